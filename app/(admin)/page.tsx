import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { ConnectionsStatusRow } from "@/components/dashboard/attention";
import { getDashboardAttention } from "@/lib/dashboard/get-dashboard-attention";
import { getFlowDashboard } from "@/lib/dashboard/get-flow-dashboard";
import { db } from "@/lib/db";
import { listFlows } from "@/lib/flows-admin/list-flows";
import { env } from "@/lib/env";
import { getHealth } from "@/lib/health/get-health";
import { DashboardClient } from "./page-client";

export const metadata: Metadata = { title: "Dashboard" };

const STEPS = [
  { href: "/connections", title: "Connect your systems", text: "Add the systems your flows read from and post to, with their API credentials." },
  { href: "/flows", title: "Turn on a flow", text: "Choose what moves: invoices, payments, credit memos, customers." },
  { href: "/mappings", title: "Map your values", text: "Link products and charges to GL accounts, and customers to ERP customers." },
  { href: "/records", title: "Review records", text: "See what posted, what is held and why, and replay what failed." },
] as const;

const StatusRow = ({ label, isOk, detail }: { label: string; isOk: boolean; detail: string }) => (
  <div className="flex items-center justify-between px-4 py-2.5">
    <dt className="flex items-center gap-2 text-zinc-700">
      <span aria-hidden="true" className={`size-2 rounded-full ${isOk ? "bg-emerald-500" : "bg-amber-500"}`} />
      {label}
    </dt>
    <dd className="text-zinc-500">{detail}</dd>
  </div>
);

// GET /?flowId=… opens that flow's dashboard; without it, the first enabled flow (a draft never hides a live one).
const DashboardPage = async ({ searchParams }: { searchParams: Promise<{ flowId?: string | string[] }> }) => {
  const now = new Date();
  const { flowId } = await searchParams;
  // The health check runs alongside the rest (not before it): the figures wait for the flow list and its dashboard alone.
  const health = getHealth({ db: db(), staleSeconds: env().WORKER_STALE_SECONDS });
  const flows = await listFlows({ db: db() });
  const shown = flows.find((f) => f.id === flowId) ?? flows.find((f) => f.enabled) ?? flows[0];
  // One attention read serves both: the connections of every enabled flow, and the shown flow's retrying records.
  const [initial, attention] = await Promise.all([
    shown ? getFlowDashboard({ db: db(), flowId: shown.id, now }) : null,
    getDashboardAttention({ db: db(), flowId: shown?.id, now }),
  ]);
  const { database, worker } = await health;
  const workerDetail = worker.ok
    ? `${worker.workers} running, last seen ${worker.ageSeconds}s ago`
    : worker.lastHeartbeatAt
      ? `not seen for ${worker.ageSeconds}s – start it with npm start or npm run worker`
      : "not started – start it with npm start or npm run worker";
  return (
    <>
      <PageHeader title="Dashboard" description="Where your finance records stand across billing and ERP." />
      {initial ? <DashboardClient flows={flows.map((f) => ({ id: f.id, name: f.name }))} initial={initial} initialAttention={attention} now={now.getTime()} /> : null}
      {initial ? null : (
      <section aria-labelledby="get-started" className="space-y-3">
        <h2 id="get-started" className="text-sm font-semibold text-zinc-900">
          Getting started
        </h2>
        <ol className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          {STEPS.map((step, i) => (
            <li key={step.href}>
              <Link href={step.href} className="block h-full rounded-lg border border-zinc-200 bg-white p-4 hover:border-zinc-300 hover:shadow-xs">
                <span className="text-xs font-medium text-zinc-500">Step {i + 1}</span>
                <span className="mt-1 block font-medium text-zinc-900">{step.title}</span>
                <span className="mt-1 block text-zinc-500">{step.text}</span>
              </Link>
            </li>
          ))}
        </ol>
      </section>
      )}
      <section aria-labelledby="system" className="space-y-3">
        <h2 id="system" className="text-sm font-semibold text-zinc-900">
          System
        </h2>
        <dl className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white">
          <StatusRow
            label="Database"
            isOk={database.ok}
            detail={database.ok ? `reachable (${database.latencyMs} ms)` : "unreachable"}
          />
          <StatusRow label="Worker" isOk={worker.ok} detail={workerDetail} />
          <ConnectionsStatusRow initialData={{ ...attention, retrying: null }} />
        </dl>
      </section>
    </>
  );
};

export default DashboardPage;
