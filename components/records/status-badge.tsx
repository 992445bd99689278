import { describeStatusReason } from "./status-reason";

const STATUS_CLASS = {
  posted: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  held: "bg-amber-50 text-amber-900 ring-amber-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
  skipped: "bg-zinc-100 text-zinc-700 ring-zinc-200",
  pending: "bg-blue-50 text-blue-800 ring-blue-200",
} as const;

/** A failure that may pass as it is later looks different from a refusal. */
const TEMPORARY_FAILURE_CLASS = "bg-orange-50 text-orange-900 ring-orange-300";

export type RecordStatus = keyof typeof STATUS_CLASS;

/**
 * A record's status as a small pill; the reason follows a colon in words ("failed: refused by the
 * target"), the stored code in `data-reason`. A temporary failure is drawn apart from a permanent one.
 */
export const StatusBadge = ({ status, reason }: { status: RecordStatus; reason?: string | null }) => {
  const text = describeStatusReason(reason);
  const isTemporaryFailure = status === "failed" && text?.nature === "temporary";
  return (
    <span
      data-reason={reason ?? undefined}
      data-nature={status === "failed" ? (text?.nature ?? "permanent") : undefined}
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${isTemporaryFailure ? TEMPORARY_FAILURE_CLASS : STATUS_CLASS[status]}`}
    >
      {status === "failed" ? <span aria-hidden="true">{isTemporaryFailure ? "↻" : "✕"}</span> : null}
      {status}
      {text ? `: ${text.label}` : ""}
    </span>
  );
};
