import type { ReactNode } from "react";

/** What a page shows before it has data: what is missing and the next step to take. */
export const EmptyState = ({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) => (
  <section
    aria-label={title}
    className="flex flex-col items-center rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-12 text-center"
  >
    <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
    {children ? <div className="mt-1 max-w-md text-sm text-zinc-500">{children}</div> : null}
    {action ? <div className="mt-4">{action}</div> : null}
  </section>
);
