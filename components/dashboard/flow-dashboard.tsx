"use client";

import Link from "next/link";
import { formatAge, formatAmount, formatUtc } from "@/components/flows/format";
import type { FlowDashboard, StatusCounts } from "@/lib/dashboard/get-flow-dashboard";
import type { DashboardAttention } from "@/lib/dashboard/get-dashboard-attention";
import { RetryingRecordsList } from "./attention";
import { LedgerReconciliation, ReconciliationTable } from "./reconciliation-table";
import { STATUS_COLOR, STATUS_LABEL, StatusChart } from "./status-chart";

const STATUSES = ["posted", "pending", "held", "failed", "skipped"] as const;

const Card = ({ title, children, aside, testId }: { title: string; children: React.ReactNode; aside?: React.ReactNode; testId?: string }) => (
  <section aria-label={title} data-testid={testId} className="rounded-lg border border-zinc-200 bg-white">
    <div className="flex items-center justify-between border-b border-zinc-100 px-4 py-2.5">
      <h3 className="text-sm font-semibold text-zinc-900">{title}</h3>
      {aside}
    </div>
    {children}
  </section>
);

const Counts = ({ label, counts, flowId, from }: { label: string; counts: StatusCounts; flowId: string; from?: string }) => (
  <div className="px-4 py-3">
    <p className="text-xs font-medium text-zinc-500">{label}</p>
    <dl className="mt-1.5 grid grid-cols-5 gap-2">
      {STATUSES.map((s) => (
        <div key={s}>
          <dt className="flex items-center gap-1.5 text-xs text-zinc-600">
            <span aria-hidden="true" className="size-2 rounded-full" style={{ background: STATUS_COLOR[s] }} />
            {STATUS_LABEL[s]}
          </dt>
          <dd className="text-lg font-semibold tabular-nums text-zinc-900">
            <Link href={`/records?flowId=${flowId}&status=${s}${from ? `&from=${from}` : ""}`} className="hover:underline" data-testid={`${label.toLowerCase().replace(/\W+/g, "-")}-${s}`}>
              {counts[s].toLocaleString("en-US")}
            </Link>
          </dd>
        </div>
      ))}
    </dl>
  </div>
);

/** One flow at a glance: status counts and chart, records being retried, billed vs posted, holds by missing mapping, failures, last activity. */
export const FlowDashboardView = ({ d, now, attention }: { d: FlowDashboard; now: number; attention: DashboardAttention | null }) => {
  const retrying = attention?.retrying ?? null;
  const todayStart = new Date(now).toISOString().slice(0, 10);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-x-6 gap-y-1 text-sm text-zinc-600" data-testid="last-activity">
        <span>
          <span className={`mr-1.5 inline-block size-2 rounded-full ${d.flow.enabled ? "bg-emerald-500" : "bg-zinc-400"}`} aria-hidden="true" />
          {d.flow.enabled ? "On" : "Off"} · {d.flow.sourceName} → {d.flow.targetName}
        </span>
        <span title={formatUtc(d.lastSuccessfulPollAt)}>Last successful poll: {formatAge(d.lastSuccessfulPollAt, now)}</span>
        <span title={formatUtc(d.lastCalloutAt)}>Last callout: {formatAge(d.lastCalloutAt, now)}</span>
      </div>

      <Card title="Records" testId="status-counts">
        <div className="grid divide-y divide-zinc-100 lg:grid-cols-2 lg:divide-x lg:divide-y-0">
          <Counts label="Today" counts={d.today} flowId={d.flow.id} from={todayStart} />
          <Counts label="Last 30 days" counts={d.last30Days} flowId={d.flow.id} />
        </div>
        <div className="border-t border-zinc-100 px-2 py-3">
          <StatusChart daily={d.daily} />
        </div>
      </Card>

      {attention && retrying && retrying.total > 0 ? <RetryingRecordsList retrying={retrying} readAt={attention.readAt} flowId={d.flow.id} objectLabels={d.flow.objectLabels} /> : null}

      <Card title={`Billed vs posted · ${d.reconciliation.period}`} aside={<span className="text-xs text-zinc-500">by document date, {d.reconciliation.from} to before {d.reconciliation.to} (UTC)</span>}>
        <ReconciliationTable reconciliation={d.reconciliation} sourceName={d.flow.sourceName} targetName={d.flow.targetName} objectLabels={d.flow.objectLabels} />
        <LedgerReconciliation flowId={d.flow.id} period={d.reconciliation.period} />
      </Card>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Held: missing mappings" aside={<Link href="/mappings" className="text-xs text-blue-700 hover:underline">Mappings</Link>} testId="missing-mappings">
          {d.missingMappings.length === 0 ? (
            <p className="px-4 py-6 text-center text-sm text-zinc-500">No record waits on a mapping.</p>
          ) : (
            <table className="w-full text-left text-sm">
              <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
                <tr>
                  <th scope="col" className="px-4 py-2 font-medium">Missing</th>
                  <th scope="col" className="px-4 py-2 text-right font-medium">Records</th>
                  <th scope="col" className="px-4 py-2 text-right font-medium">Amount waiting</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 tabular-nums">
                {d.missingMappings.map((m) => (
                  <tr key={`${m.kind}-${m.sourceKey}`}>
                    <td className="px-4 py-1.5">
                      <span className="text-xs text-zinc-500">{m.kind}</span> <span className="text-zinc-900">{m.sourceKey}</span>
                    </td>
                    <td className="px-4 py-1.5 text-right">{m.records}</td>
                    <td className="px-4 py-1.5 text-right text-zinc-700">
                      {Object.entries(m.amountByCurrency)
                        .map(([c, a]) => `${formatAmount(a)} ${c}`)
                        .join(" · ") || "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>

        <Card title="Recent failures" aside={<Link href={`/records?flowId=${d.flow.id}&status=failed`} className="text-xs text-blue-700 hover:underline">All failed</Link>} testId="recent-failures">
          {d.recentFailures.length === 0 ? (
            <p className="px-4 py-6 text-center text-sm text-zinc-500">
              {retrying && retrying.total > 0 ? "No record has failed for good yet; the ones above are being retried." : "No failed records."}
            </p>
          ) : (
            <ul className="divide-y divide-zinc-100">
              {d.recentFailures.map((f) => (
                <li key={f.id} className="px-4 py-2">
                  <div className="flex justify-between gap-3 text-sm">
                    <Link href={`/records/${f.id}`} className="font-medium text-zinc-900 hover:underline">
                      {d.flow.objectLabels[f.objectType] ?? f.objectType} {f.naturalKey ?? f.id.slice(0, 8)}
                    </Link>
                    <span className="shrink-0 tabular-nums text-xs text-zinc-500">{formatUtc(f.updatedAt)}</span>
                  </div>
                  <p className="mt-0.5 line-clamp-2 text-xs text-red-700">{f.lastError ?? "No error recorded."}</p>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
};
