import type { ReactNode } from "react";

/** The title row of every admin page: one h1, a one-line description, optional actions on the right. */
export const PageHeader = ({ title, description, actions }: { title: string; description?: string; actions?: ReactNode }) => (
  <header className="flex items-start justify-between gap-4 border-b border-zinc-200 pb-4">
    <div>
      <h1 className="text-lg font-semibold tracking-tight text-zinc-900">{title}</h1>
      {description ? <p className="mt-0.5 text-sm text-zinc-500">{description}</p> : null}
    </div>
    {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
  </header>
);
