"use client";

import { formatInstant } from "@/components/ui/format-time";
import { AttemptCalls, type RecordedCallView } from "./attempt-calls";

/** One audit event as the record API returns it (kind + detail per lib/audit/events.ts). */
export type TimelineEvent = { id: string; createdAt: string; actor: { id: string; email: string; name: string | null } | null; kind: string; detail: Record<string, unknown> };

const TONE: Record<string, string> = {
  posted: "bg-emerald-600",
  failed: "bg-red-600",
  held: "bg-amber-500",
  attempt: "bg-zinc-400",
  replayed: "bg-blue-600",
  released: "bg-blue-600",
  skipped: "bg-zinc-400",
};

const str = (v: unknown) => (typeof v === "string" ? v : v === null || v === undefined ? "" : JSON.stringify(v));

/** A sentence per event kind; the full detail stays one click away. */
const describe = (e: TimelineEvent): string => {
  const d = e.detail;
  switch (e.kind) {
    case "received":
      return `Received (${str(d.origin)})`;
    case "fetched":
      return `Fetched from the source${d.naturalKey ? ` as ${str(d.naturalKey)}` : ""}`;
    case "source-updated":
      return `Changed in the source (${((d.changes as unknown[]) ?? []).length} field(s)); ${str(d.action)}`;
    case "mapped":
      return `Mapped to ${str(d.target)}${typeof d.lines === "number" ? ` with ${d.lines} line(s)` : ""}`;
    case "held":
      // a document waited on reads by its number (label), a mapping by its source value
      return `Held: ${str(d.reason)} (${((d.missing as { kind: string; sourceKey: string; label?: string; dependency?: boolean }[]) ?? [])
        .map((m) => (m.dependency ? `${m.kind} ${m.label ?? m.sourceKey}` : `${m.kind} “${m.sourceKey}”`))
        .join(", ")})`;
    case "released":
      return "Released to be posted";
    case "attempt": {
      const ops = ((d.request as { operation: string }[]) ?? []).map((r) => r.operation).join(", ");
      return `Attempt ${str(d.attempt)}: ${ops || "no request"} → ${d.targetStatus === null ? "no answer" : `HTTP ${str(d.targetStatus)}`}${d.error ? `: ${str(d.error)}` : ""}`;
    }
    case "posted":
      return `Posted as ${str(d.targetRef ?? d.targetId)} (${d.via === "found-existing" ? "found already in the target" : "created"})`;
    case "failed":
      return d.retryable ? `Failed, retries spent (temporary): ${str(d.reason)}` : `Failed, refused (permanent): ${str(d.reason)}`;
    case "skipped":
      return `Skipped: ${str(d.reason)}`;
    case "replayed":
      return `Replayed (was ${str(d.previousStatus)})`;
    default:
      return e.kind;
  }
};

/** The audit trail, oldest first, as the record lived it; each attempt shows the target's answer. */
export const RecordTimeline = ({ events, recordId }: { events: TimelineEvent[]; recordId: string }) => (
  <section aria-label="Audit trail" className="rounded-lg border border-zinc-200 bg-white p-4">
    <div className="flex items-baseline justify-between">
      <h2 className="text-sm font-semibold text-zinc-900">Audit trail</h2>
      <a href={`/api/records/events-export?ids=${recordId}`} download className="text-xs text-blue-800 hover:underline">Export (CSV)</a>
    </div>
    <ol className="mt-3 space-y-3">
      {events.map((e) => (
        <li key={e.id} className="flex gap-3" data-kind={e.kind}>
          <span aria-hidden="true" className={`mt-1.5 size-2 shrink-0 rounded-full ${TONE[e.kind] ?? "bg-zinc-300"}`} />
          <div className="min-w-0 flex-1">
            <p className="text-sm text-zinc-900">{describe(e)}</p>
            <p className="text-xs text-zinc-500">
              {formatInstant(e.createdAt)}
              {e.actor ? ` · by ${e.actor.email}` : ""}
            </p>
            {e.kind === "attempt" && Array.isArray(e.detail.calls) && e.detail.calls.length > 0 ? (
              <AttemptCalls calls={e.detail.calls as RecordedCallView[]} dropped={typeof e.detail.callsDropped === "number" ? e.detail.callsDropped : undefined} />
            ) : null}
            {e.kind === "mapped" && e.detail.payload !== undefined ? (
              <details className="mt-1 text-xs" data-testid="mapped-payload">
                <summary className="cursor-pointer text-zinc-500 hover:text-zinc-900">Mapped payload of this posting</summary>
                <pre className="mt-1 max-h-64 overflow-auto rounded bg-zinc-50 p-2 font-mono text-[11px] leading-4 text-zinc-800">{JSON.stringify(e.detail.payload, null, 2)}</pre>
              </details>
            ) : null}
            {e.kind === "attempt" || e.kind === "posted" || e.kind === "source-updated" ? (
              <details className="mt-1 text-xs">
                <summary className="cursor-pointer text-zinc-500 hover:text-zinc-900">Details</summary>
                <pre className="mt-1 max-h-64 overflow-auto rounded bg-zinc-50 p-2 font-mono text-[11px] leading-4 text-zinc-800">{JSON.stringify({ ...e.detail, calls: undefined }, null, 2)}</pre>
              </details>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  </section>
);
