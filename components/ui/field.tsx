import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";

const CONTROL_CLASS =
  "block h-8 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 focus-visible:border-blue-600 disabled:bg-zinc-100 aria-[invalid=true]:border-red-600";

/** A labelled form control; `hint` is tied to the control with aria-describedby. */
export const Field = ({ id, label, hint, children }: { id: string; label: string; hint?: string; children: ReactNode }) => (
  <div className="space-y-1">
    <label htmlFor={id} className="block text-xs font-medium text-zinc-700">
      {label}
    </label>
    {children}
    {hint ? (
      <p id={`${id}-hint`} className="text-xs text-zinc-500">
        {hint}
      </p>
    ) : null}
  </div>
);

export const TextInput = ({ className = "", ...props }: InputHTMLAttributes<HTMLInputElement>) => (
  <input className={`${CONTROL_CLASS} ${className}`} {...props} />
);

export const Select = ({ className = "", ...props }: SelectHTMLAttributes<HTMLSelectElement>) => (
  <select className={`${CONTROL_CLASS} pr-8 ${className}`} {...props} />
);
