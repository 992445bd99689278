"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { describeSchedule, formatUtc } from "@/components/flows/format";
import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { LinkButton } from "@/components/ui/link-button";
import { PageHeader } from "@/components/ui/page-header";
import { setFlowEnabledAction } from "@/lib/actions/set-flow-enabled";
import type { FlowListItem } from "@/lib/flows-admin/list-flows";
import { FlowToggle } from "@/components/flows/flow-toggle";

const fetchFlows = async (): Promise<FlowListItem[]> => {
  const res = await fetch("/api/flows");
  if (!res.ok) throw new Error("Could not load flows.");
  return res.json();
};

/** Flows with their connections, schedule in words, on/off and latest run. */
export const FlowsPageClient = ({ initialFlows, hasConnections, isAdmin }: { initialFlows: FlowListItem[]; hasConnections: boolean; isAdmin: boolean }) => {
  const queryClient = useQueryClient();
  const { data: flows = initialFlows } = useQuery({ queryKey: ["flows"], queryFn: fetchFlows, initialData: initialFlows });
  const [error, setError] = useState<string | null>(null);
  const toggle = useMutation({
    mutationFn: async (input: { flowId: string; enabled: boolean }) => {
      const result = await setFlowEnabledAction(input);
      if (!result.ok) throw new Error(result.error.message);
    },
    onMutate: () => setError(null),
    onError: (err) => setError(err.message),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["flows"] }),
  });
  const action = isAdmin && hasConnections ? <LinkButton href="/flows/new">New flow</LinkButton> : null;
  return (
    <>
      <PageHeader title="Flows" description="What moves between your systems, in which direction, and how often." actions={action} />
      {error ? <Alert tone="error">{error}</Alert> : null}
      {flows.length === 0 ? (
        <EmptyState title="No flows yet" action={action}>
          {hasConnections ? "Create a flow: it moves documents from one connection's system to another's." : "Add your connections first, then create a flow that moves documents between them."}
        </EmptyState>
      ) : (
        <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Flows</caption>
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Flow</th>
                <th scope="col" className="px-4 py-2 font-medium">From → to</th>
                <th scope="col" className="px-4 py-2 font-medium">Schedule</th>
                <th scope="col" className="px-4 py-2 font-medium">Last run</th>
                <th scope="col" className="px-4 py-2 font-medium">On</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {flows.map((f) => (
                <tr key={f.id}>
                  <td className="px-4 py-2 font-medium text-zinc-900">
                    <Link href={`/flows/${f.id}`} className="hover:underline">
                      {f.name}
                    </Link>
                  </td>
                  <td className="px-4 py-2 text-zinc-600">
                    {f.source.name} → {f.target.name}
                  </td>
                  <td className="px-4 py-2 text-zinc-600">{describeSchedule(f.schedule)}</td>
                  <td className="whitespace-nowrap px-4 py-2 tabular-nums text-zinc-600">{f.lastRun ? `${f.lastRun.status} · ${formatUtc(f.lastRun.startedAt)}` : "—"}</td>
                  <td className="px-4 py-2">
                    <FlowToggle name={f.name} enabled={toggle.isPending && toggle.variables?.flowId === f.id ? toggle.variables.enabled : f.enabled} isDisabled={!isAdmin || toggle.isPending} onChange={(enabled) => toggle.mutate({ flowId: f.id, enabled })} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
};
