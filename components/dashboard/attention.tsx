"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatInstant } from "@/components/ui/format-time";
import type { DashboardAttention } from "@/lib/dashboard/get-dashboard-attention";
import type { RetryingRecords } from "@/lib/dashboard/list-retrying-records";
import type { FailingConnection } from "@/lib/health/get-connection-health";

/** How often the banner asks again: failures show within this plus one request. */
export const ATTENTION_REFRESH_MS = 3000;

/** Failing connections and retrying records, polled every 3 s (all enabled flows, or one flow's connections). */
export const useAttention = ({ flowId, scope = "all", initialData }: { flowId?: string; scope?: "all" | "flow"; initialData?: DashboardAttention }) =>
  useQuery({
    initialData,
    initialDataUpdatedAt: initialData ? Date.parse(initialData.readAt) : undefined,
    queryKey: ["dashboard-attention", flowId ?? null, scope],
    queryFn: async (): Promise<DashboardAttention> => {
      const params = new URLSearchParams({ scope, ...(flowId ? { flowId } : {}) });
      const res = await fetch(`/api/dashboard/attention?${params}`);
      if (!res.ok) throw new Error("Could not read the connections' state.");
      return res.json();
    },
    refetchInterval: ATTENTION_REFRESH_MS,
  });

/** The next attempt time; one already past is due and waits for a free worker. */
const formatNextAttempt = (iso: string, readAt: string) => (Date.parse(iso) <= Date.parse(readAt) ? `due since ${formatInstant(iso)}` : formatInstant(iso));

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

const headline = (c: FailingConnection) =>
  c.reason === "test-failed" ? `${c.name}: its last connection test failed` : c.role === "target" ? `Posting to ${c.name} is failing` : `Reading from ${c.name} is failing`;

/** One banner per failing connection, with its last error, what waits on it and when it is tried again. */
export const FailingConnectionsBanner = ({ connections, readAt }: { connections: FailingConnection[]; readAt: string }) => {
  if (connections.length === 0) return null;
  return (
    <div role="alert" aria-label="Failing connections" data-testid="failing-connections" className="space-y-2">
      {connections.map((c) => (
        <div key={`${c.connectionId}:${c.role}`} className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          <p className="font-semibold">{headline(c)}</p>
          {c.lastError ? <p className="mt-0.5 break-words">Last error: {c.lastError}</p> : null}
          <p className="mt-1 text-red-800">
            {[
              c.lastFailureAt ? `Last failure ${formatInstant(c.lastFailureAt)}` : null,
              c.role === "target" && c.retrying > 0 ? `${plural(c.retrying, "record")} waiting to be retried` : null,
              c.nextAttemptAt ? `next attempt ${formatNextAttempt(c.nextAttemptAt, readAt)}` : null,
              c.lastSuccessAt ? `last worked ${formatInstant(c.lastSuccessAt)}` : "has not worked yet",
            ]
              .filter(Boolean)
              .join(" · ")}
          </p>
          <p className="mt-1 flex flex-wrap gap-x-4">
            <Link href={`/connections/${c.connectionId}`} className="font-medium underline underline-offset-2">
              Open the connection and test it
            </Link>
            {c.flows.map((f) => (
              <Link key={f.id} href={`/flows/${f.id}`} className="underline underline-offset-2">
                {f.name}
              </Link>
            ))}
          </p>
        </div>
      ))}
    </div>
  );
};

/** The flow's records being retried, each with its attempts and next attempt time. */
export const RetryingRecordsList = ({ retrying, readAt, flowId, objectLabels }: { retrying: RetryingRecords; readAt: string; flowId: string; objectLabels: Record<string, string> }) => (
  <section aria-labelledby="retrying-heading" data-testid="retrying-records" className="rounded-lg border border-zinc-200 bg-white">
    <div className="flex items-center justify-between border-b border-zinc-100 px-4 py-3">
      <h3 id="retrying-heading" className="text-sm font-semibold text-zinc-900">
        Retrying
      </h3>
      <span className="text-xs text-zinc-600" data-testid="retrying-total">
        {retrying.total === 0 ? "none" : `${retrying.isCapped ? "more than " : ""}${plural(retrying.total, "record")} waiting for another attempt`}
      </span>
    </div>
    {retrying.items.length === 0 ? (
      <p className="px-4 py-4 text-sm text-zinc-500">No record is waiting for a retry.</p>
    ) : (
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Records waiting for another attempt</caption>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">Record</th>
            <th scope="col" className="px-4 py-2 font-medium">Attempts</th>
            <th scope="col" className="px-4 py-2 font-medium">Next attempt</th>
            <th scope="col" className="px-4 py-2 font-medium">Last error</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {retrying.items.map((r) => (
            <tr key={r.id}>
              <td className="px-4 py-1.5">
                <Link href={`/records/${r.id}`} className="font-medium text-zinc-900 underline-offset-2 hover:underline">
                  {r.naturalKey ?? r.id.slice(0, 8)}
                </Link>
                <span className="block text-xs text-zinc-500">{objectLabels[r.objectType] ?? r.objectType}</span>
              </td>
              <td className="px-4 py-1.5 tabular-nums text-zinc-700">{r.maxAttempts ? `${r.attempts} of ${r.maxAttempts}` : r.attempts}</td>
              <td className="px-4 py-1.5 tabular-nums text-zinc-700" data-testid="next-attempt">
                {r.isRunning ? "running now" : r.nextAttemptAt ? formatNextAttempt(r.nextAttemptAt, readAt) : "not queued"}
              </td>
              <td className="max-w-96 truncate px-4 py-1.5 text-red-700" title={r.lastError ?? undefined}>
                {r.lastError}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    {retrying.total > retrying.items.length ? (
      <p className="border-t border-zinc-100 px-4 py-2 text-xs">
        <Link href={`/records?flowId=${flowId}&status=pending`} className="text-zinc-700 underline underline-offset-2">
          All waiting records
        </Link>
      </p>
    ) : null}
  </section>
);

/** The banner alone (flow page): the failing connections of one flow. */
export const FlowConnectionsBanner = ({ flowId }: { flowId: string }) => {
  const { data } = useAttention({ flowId, scope: "flow" });
  return data ? <FailingConnectionsBanner connections={data.connections} readAt={data.readAt} /> : null;
};

/** The System list's row for connections: green only while no connection of an enabled flow is failing. */
export const ConnectionsStatusRow = ({ initialData }: { initialData: DashboardAttention }) => {
  const { data = initialData } = useAttention({ initialData });
  const failing = data.connections;
  return (
    <div className="flex items-center justify-between px-4 py-2.5" data-testid="system-connections">
      <dt className="flex items-center gap-2 text-zinc-700">
        <span aria-hidden="true" className={`size-2 rounded-full ${failing.length === 0 ? "bg-emerald-500" : "bg-red-500"}`} />
        Connections
      </dt>
      <dd className={failing.length === 0 ? "text-zinc-500" : "text-red-700"}>
        {failing.length === 0 ? "no failures seen" : `${failing.map((c) => c.name).join(", ")} failing`}
      </dd>
    </div>
  );
};
