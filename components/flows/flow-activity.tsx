"use client";

import type { FlowActivity } from "@/lib/flows-admin/get-flow-activity";
import { formatDuration, formatUtc } from "./format";


const STATUS_CLASS: Record<string, string> = { succeeded: "text-emerald-700", failed: "text-red-700", running: "text-blue-700" };

/** Progress of a poll/backfill in progress (per object type) and the last runs with their counts. */
export const FlowActivityView = ({ activity }: { activity: FlowActivity }) => {
  const percent = Math.round(activity.fraction * 100);
  return (
    <section aria-labelledby="runs-heading" className="rounded-lg border border-zinc-200 bg-white">
      <div className="flex items-center justify-between border-b border-zinc-100 px-4 py-3">
        <h2 id="runs-heading" className="text-sm font-semibold text-zinc-900">
          Runs
        </h2>
        {activity.isRunning ? <span className="text-xs text-blue-700">Running…</span> : null}
      </div>
      {activity.isRunning ? (
        <div className="space-y-2 border-b border-zinc-100 px-4 py-3">
          <div className="flex items-center gap-3">
            <div role="progressbar" aria-label="Sync progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-2 flex-1 overflow-hidden rounded-full bg-zinc-100">
              <div className="h-full rounded-full bg-blue-600 transition-[width]" style={{ width: `${percent}%` }} />
            </div>
            <span className="w-10 text-right text-xs tabular-nums text-zinc-600">{percent}%</span>
          </div>
          <ul className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-zinc-600">
            {activity.objects.map((o) => (
              <li key={o.objectType}>
                <span className="font-medium text-zinc-800">{o.label}</span>{" "}
                {o.state === "running" ? `${Math.round(o.fraction * 100)}% · ${o.listed} read${o.readUpTo ? ` · up to ${formatUtc(o.readUpTo)}` : ""}` : o.state}
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
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 tabular-nums" data-testid="runs">
            {activity.runs.map((r) => (
              <tr key={r.id} title={r.error ?? undefined}>
                <td className="whitespace-nowrap px-4 py-1.5 tabular-nums text-zinc-600">{formatUtc(r.startedAt)}</td>
                <td className="px-4 py-1.5 text-zinc-900">{r.label}</td>
                <td className="px-4 py-1.5 text-zinc-600">{r.trigger === "manual" ? "Sync now" : r.trigger}</td>
                <td className={`px-4 py-1.5 ${STATUS_CLASS[r.status] ?? "text-zinc-700"}`}>
                  {r.status}
                  {r.error ? <span className="block max-w-72 truncate text-xs text-red-700">{r.error}</span> : null}
                </td>
                <td className="px-4 py-1.5 text-right">{r.listed}</td>
                <td className="px-4 py-1.5 text-right">{r.created}</td>
                <td className="px-4 py-1.5 text-right">{r.updated}</td>
                <td className="px-4 py-1.5 text-right text-zinc-500">{r.unchanged}</td>
                <td className="px-4 py-1.5 text-right text-zinc-600">{r.status === "running" ? "…" : formatDuration(r.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};
