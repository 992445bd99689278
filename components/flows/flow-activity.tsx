"use client";

import type { FlowActivity } from "@/lib/flows-admin/get-flow-activity";
import type { ObjectProgress } from "@/lib/flows-admin/get-flow-activity";
import { formatDuration, formatUtc } from "./format";

const OUTCOME_CLASS: Record<string, string> = {
  succeeded: "text-emerald-700",
  failed: "text-red-700",
  "finished with failures": "text-red-700",
  "finished with held records": "text-amber-700",
  retrying: "text-amber-700",
  reading: "text-blue-700",
  posting: "text-blue-700",
};

const n = (v: number) => v.toLocaleString("en-US");

/** "read 77 % · 120 listed · up to … · posted 80 of 120 · 3 retrying" */
const describeProgress = (o: ObjectProgress) => {
  if (o.state !== "running" && o.state !== "posting") return o.state;
  const read = o.state === "running" ? `read ${Math.round(o.readFraction * 100)}% · ${n(o.listed)} listed${o.readUpTo ? ` · up to ${formatUtc(o.readUpTo)}` : ""}` : `read · ${n(o.listed)} listed`;
  const post = o.received > 0 ? ` · ${n(o.received - o.pending)} of ${n(o.received)} settled (${n(o.posted)} posted)` : "";
  return `${read}${post}${o.retrying > 0 ? ` · ${n(o.retrying)} retrying` : ""}`;
};

/** Progress of a poll/backfill in progress (per object type) and the last runs with their counts. */
export const FlowActivityView = ({ activity }: { activity: FlowActivity }) => {
  const percent = Math.round(activity.fraction * 100);
  return (
    <section aria-labelledby="runs-heading" className="rounded-lg border border-zinc-200 bg-white">
      <div className="flex items-center justify-between border-b border-zinc-100 px-4 py-3">
        <h2 id="runs-heading" className="text-sm font-semibold text-zinc-900">
          Runs
        </h2>
        {activity.isRunning ? <span className="text-xs text-blue-700">{activity.objects.some((o) => o.state === "running") ? "Reading…" : "Posting…"}</span> : null}
      </div>
      {activity.isRunning ? (
        <div className="space-y-2 border-b border-zinc-100 px-4 py-3">
          <div className="flex items-center gap-3">
            <div role="progressbar" aria-label="Sync progress (reading and posting)" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-2 flex-1 overflow-hidden rounded-full bg-zinc-100">
              <div className="h-full rounded-full bg-blue-600 transition-[width]" style={{ width: `${percent}%` }} />
            </div>
            <span className="w-10 text-right text-xs tabular-nums text-zinc-600">{percent}%</span>
          </div>
          <ul className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-zinc-600">
            {activity.objects.map((o) => (
              <li key={o.objectType}>
                <span className="font-medium text-zinc-800">{o.label}</span> {describeProgress(o)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {activity.runs.length === 0 ? (
        <p className="px-4 py-6 text-center text-sm text-zinc-500">No runs yet. Turn the flow on and click Sync now, or wait for its schedule.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Last runs</caption>
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">Started</th>
              <th scope="col" className="px-4 py-2 font-medium">Object</th>
              <th scope="col" className="px-4 py-2 font-medium">Trigger</th>
              <th scope="col" className="px-4 py-2 font-medium">Status</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">Read</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">New</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">Updated</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">Unchanged</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">Duration</th>
              <th scope="col" className="px-4 py-2 text-right font-medium" title="Of the records this run received">Posted</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">Held</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">Failed</th>
              <th scope="col" className="px-4 py-2 text-right font-medium" title="Not yet posted: queued, or retried after a failed attempt">Waiting</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 tabular-nums" data-testid="runs">
            {activity.runs.map((r) => (
              <tr key={r.id} title={r.error ?? undefined}>
                <td className="whitespace-nowrap px-4 py-1.5 tabular-nums text-zinc-600">{formatUtc(r.startedAt)}</td>
                <td className="px-4 py-1.5 text-zinc-900">{r.label}</td>
                <td className="px-4 py-1.5 text-zinc-600">{r.trigger === "manual" ? "Sync now" : r.trigger}</td>
                <td className={`px-4 py-1.5 ${OUTCOME_CLASS[r.outcome] ?? "text-zinc-700"}`} data-testid="run-outcome">
                  {r.outcome}
                  {r.error ? <span className="block max-w-72 truncate text-xs text-red-700">{r.error}</span> : null}
                </td>
                <td className="px-4 py-1.5 text-right">{r.listed}</td>
                <td className="px-4 py-1.5 text-right">{r.created}</td>
                <td className="px-4 py-1.5 text-right">{r.updated}</td>
                <td className="px-4 py-1.5 text-right text-zinc-500">{r.unchanged}</td>
                <td className="px-4 py-1.5 text-right text-zinc-600">{r.status === "running" ? "…" : formatDuration(r.durationMs)}</td>
                <td className="px-4 py-1.5 text-right">{n(r.records.posted)}</td>
                <td className="px-4 py-1.5 text-right">{n(r.records.held)}</td>
                <td className={`px-4 py-1.5 text-right ${r.records.failed > 0 ? "text-red-700" : ""}`}>{n(r.records.failed)}</td>
                <td className={`px-4 py-1.5 text-right ${r.records.retrying > 0 ? "text-amber-700" : ""}`}>
                  {n(r.records.pending)}
                  {r.records.retrying > 0 ? <span className="block text-xs">{n(r.records.retrying)} retrying</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};
