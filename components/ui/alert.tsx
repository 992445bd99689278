import type { ReactNode } from "react";

const TONE_CLASS = {
  error: "border-red-200 bg-red-50 text-red-800",
  success: "border-emerald-200 bg-emerald-50 text-emerald-900",
  info: "border-zinc-200 bg-zinc-100 text-zinc-700",
} as const;

/** A message box; errors are announced to screen readers as they appear. */
export const Alert = ({ tone, children }: { tone: keyof typeof TONE_CLASS; children: ReactNode }) => (
  <div role={tone === "error" ? "alert" : "status"} className={`rounded-md border px-3 py-2 text-sm ${TONE_CLASS[tone]}`}>
    {children}
  </div>
);
