"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { FailingConnectionsBanner, useAttention } from "@/components/dashboard/attention";
import { FlowDashboardView } from "@/components/dashboard/flow-dashboard";
import { Field, Select } from "@/components/ui/field";
import type { DashboardAttention } from "@/lib/dashboard/get-dashboard-attention";
import type { FlowDashboard } from "@/lib/dashboard/get-flow-dashboard";

type FlowOption = { id: string; name: string };

/** The last 12 calendar months (UTC), newest first: "YYYY-MM". */
const recentPeriods = (now: number) => {
  const d = new Date(now);
  return Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
};

/** Live per-flow dashboard (react-query, refreshed every 30 s) with flow and period pickers. */
export const DashboardClient = ({ flows, initial, initialAttention, now }: { flows: FlowOption[]; initial: FlowDashboard; initialAttention?: DashboardAttention; now: number }) => {
  const [flowId, setFlowId] = useState(initial.flow.id);
  const periods = recentPeriods(now);
  const [period, setPeriod] = useState(initial.reconciliation.period);
  const isInitial = flowId === initial.flow.id && period === initial.reconciliation.period;
  const { data, isError, dataUpdatedAt } = useQuery({
    queryKey: ["dashboard", flowId, period],
    queryFn: async (): Promise<FlowDashboard> => {
      const res = await fetch(`/api/dashboard?flowId=${flowId}&period=${period}`);
      if (!res.ok) throw new Error("Could not load the dashboard.");
      return res.json();
    },
    initialData: isInitial ? initial : undefined,
    initialDataUpdatedAt: now,
    refetchInterval: 30_000,
  });
  const attention = useAttention({ flowId, initialData: flowId === initial.flow.id ? initialAttention : undefined });
  return (
    <section aria-label="Flow overview" className="space-y-3">
      {attention.data ? <FailingConnectionsBanner connections={attention.data.connections} readAt={attention.data.readAt} /> : null}
      <div className="flex flex-wrap items-end gap-3">
        {flows.length > 1 ? (
          <div className="w-72">
            <Field id="dashboard-flow" label="Flow">
              <Select id="dashboard-flow" value={flowId} onChange={(e) => setFlowId(e.target.value)}>
                {flows.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
        ) : (
          <h2 className="text-sm font-semibold text-zinc-900">{initial.flow.name}</h2>
        )}
        <div className="w-40">
          <Field id="dashboard-period" label="Period">
            <Select id="dashboard-period" value={period} onChange={(e) => setPeriod(e.target.value)}>
              {periods.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      </div>
      {isError ? <p className="text-sm text-red-700">Could not load the dashboard; retrying.</p> : null}
      {data ? <FlowDashboardView d={data} now={dataUpdatedAt || now} attention={attention.data ?? null} /> : <p className="text-sm text-zinc-500">Loading…</p>}
    </section>
  );
};
