"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FlowConnectionsBanner } from "@/components/dashboard/attention";
import { CalloutSetup } from "@/components/flows/callout-setup";
import { FlowActivityView } from "@/components/flows/flow-activity";
import { FlowForm } from "@/components/flows/flow-form";
import { FlowToggle } from "@/components/flows/flow-toggle";
import { describeSchedule } from "@/components/flows/format";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { setFlowEnabledAction } from "@/lib/actions/set-flow-enabled";
import { syncFlowNowAction } from "@/lib/actions/sync-flow-now";
import type { FlowActivity } from "@/lib/flows-admin/get-flow-activity";
import type { FlowKindForm } from "@/lib/flows-admin/list-flow-kind-forms";
import type { FlowView } from "@/lib/flows-admin/views";

type ConnectionOption = { id: string; name: string; vendor: string };

/** One flow: on/off, Sync now, runs with a live progress bar, the source system's callout setup, and its settings. */
export const FlowPageClient = ({ flow, initialActivity, kinds, connections, isAdmin }: { flow: FlowView; initialActivity: FlowActivity; kinds: FlowKindForm[]; connections: ConnectionOption[]; isAdmin: boolean }) => {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [isSyncRequested, setIsSyncRequested] = useState(false);
  const activity = useQuery({
    queryKey: ["flows", flow.id, "activity"],
    queryFn: async (): Promise<FlowActivity> => {
      const res = await fetch(`/api/flows/${flow.id}/activity`);
      if (!res.ok) throw new Error("Could not load runs.");
      return res.json();
    },
    initialData: initialActivity,
    refetchInterval: (q) => (q.state.data?.isRunning || isSyncRequested ? 1500 : 15_000),
  });
  const data = activity.data ?? initialActivity;
  // A requested sync counts as seen once a run shows up; adjusting state while rendering avoids an extra pass.
  if (data.isRunning && isSyncRequested) setIsSyncRequested(false);

  const toggle = useMutation({
    mutationFn: async (enabled: boolean) => {
      const result = await setFlowEnabledAction({ flowId: flow.id, enabled });
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    onMutate: () => setMessage(null),
    onSuccess: (d) => setMessage({ tone: "success", text: d.enabled ? "Flow turned on." : "Flow turned off. Nothing is polled or posted until you turn it on again." }),
    onError: (err) => setMessage({ tone: "error", text: err.message }),
    onSettled: () => router.refresh(),
  });
  const sync = useMutation({
    mutationFn: async () => {
      const result = await syncFlowNowAction({ flowId: flow.id });
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    onMutate: () => setMessage(null),
    onSuccess: () => {
      setIsSyncRequested(true);
      setTimeout(() => setIsSyncRequested(false), 20_000);
      setMessage({ tone: "success", text: "Sync queued. Runs appear below as the worker picks them up." });
      void queryClient.invalidateQueries({ queryKey: ["flows", flow.id, "activity"] });
    },
    onError: (err) => setMessage({ tone: "error", text: err.message }),
  });
  const enabled = toggle.isPending && toggle.variables !== undefined ? toggle.variables : flow.enabled;

  return (
    <>
      <PageHeader
        title={flow.name}
        description={`${flow.kindLabel}: ${flow.source.name} → ${flow.target.name} · polls ${describeSchedule(flow.schedule)}`}
        actions={
          <>
            <span className="flex items-center gap-2 text-sm text-zinc-700">
              <FlowToggle name={flow.name} enabled={enabled} isDisabled={!isAdmin || toggle.isPending} onChange={(v) => toggle.mutate(v)} />
              {enabled ? "On" : "Off"}
            </span>
            {isAdmin ? (
              <Button variant="primary" onClick={() => sync.mutate()} disabled={sync.isPending || !enabled} title={enabled ? undefined : "Turn the flow on to sync"}>
                {sync.isPending ? "Queuing…" : "Sync now"}
              </Button>
            ) : null}
          </>
        }
      />
      <FlowConnectionsBanner flowId={flow.id} />
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      {!isAdmin ? <Alert tone="info">You have viewer access. Only an admin can change, turn on or sync a flow.</Alert> : null}
      <FlowActivityView activity={data} />
      {flow.callout ? <CalloutSetup callout={flow.callout} sourceConnectionId={flow.source.id} /> : null}
      <section aria-labelledby="settings-heading" className="space-y-3">
        <h2 id="settings-heading" className="text-sm font-semibold text-zinc-900">
          Settings
        </h2>
        <FlowForm flow={flow} kinds={kinds} connections={connections} isAdmin={isAdmin} />
      </section>
    </>
  );
};
