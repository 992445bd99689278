import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

const CONTROL_CLASS =
  "block h-8 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 focus-visible:border-blue-600 disabled:bg-zinc-100 aria-[invalid=true]:border-red-600";

/**
 * A labelled form control; `hint` and `error` are tied to the control with aria-describedby (the
 * control passes `aria-describedby={describedBy(id, hint, error)}` and `aria-invalid={!!error}`).
 */
export const Field = ({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string | null; children: ReactNode }) => (
  <div className="space-y-1">
    <label htmlFor={id} className="block text-xs font-medium text-zinc-700">
      {label}
    </label>
    {children}
    {error ? (
      <p id={`${id}-error`} className="text-xs font-medium text-red-700" data-testid={`${id}-error`}>
        {error}
      </p>
    ) : null}
    {hint ? (
      <p id={`${id}-hint`} className="text-xs text-zinc-500">
        {hint}
      </p>
    ) : null}
  </div>
);

/** The ids of a Field's hint and error, for the control's aria-describedby. */
export const describedBy = (id: string, hint?: string, error?: string | null) => [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;

export const TextInput = ({ className = "", ...props }: InputHTMLAttributes<HTMLInputElement>) => (
  <input className={`${CONTROL_CLASS} ${className}`} {...props} />
);

export const TextArea = ({ className = "", ...props }: TextareaHTMLAttributes<HTMLTextAreaElement>) => (
  <textarea className={`${CONTROL_CLASS} h-24 py-1.5 font-mono ${className}`} {...props} />
);

export const Select = ({ className = "", ...props }: SelectHTMLAttributes<HTMLSelectElement>) => (
  <select className={`${CONTROL_CLASS} pr-8 ${className}`} {...props} />
);
