const STATUS_CLASS = {
  posted: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  held: "bg-amber-50 text-amber-900 ring-amber-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
  skipped: "bg-zinc-100 text-zinc-700 ring-zinc-200",
  pending: "bg-blue-50 text-blue-800 ring-blue-200",
} as const;

export type RecordStatus = keyof typeof STATUS_CLASS;

/** A record's status as a small pill; `reason` (e.g. "mapping-missing") follows a colon. */
export const StatusBadge = ({ status, reason }: { status: RecordStatus; reason?: string | null }) => (
  <span className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_CLASS[status]}`}>
    {status}
    {reason ? `: ${reason}` : ""}
  </span>
);
