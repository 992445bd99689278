import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireUser } from "@/lib/auth/require-user";
import { listConnections } from "@/lib/connections/list-connections";
import { db } from "@/lib/db";
import { getFlow } from "@/lib/flows-admin/get-flow";
import { getFlowActivity } from "@/lib/flows-admin/get-flow-activity";
import { listFlowKindForms } from "@/lib/flows-admin/list-flow-kind-forms";
import { publicAppUrl } from "@/lib/flows-admin/public-app-url";
import { FlowPageClient } from "./page-client";

export const metadata: Metadata = { title: "Flow" };

const FlowPage = async ({ params }: { params: Promise<{ flowId: string }> }) => {
  const user = await requireUser();
  const id = z.uuid().safeParse((await params).flowId);
  if (!id.success) notFound();
  const flow = await getFlow({ db: db(), flowId: id.data, appUrl: publicAppUrl() }).catch(() => null);
  if (!flow) notFound();
  const [activity, connections] = await Promise.all([getFlowActivity({ db: db(), flowId: flow.id }), listConnections({ db: db() })]);
  return (
    <FlowPageClient
      flow={flow}
      initialActivity={activity}
      kinds={listFlowKindForms().filter((k) => k.kind === flow.kind)}
      connections={connections.map((c) => ({ id: c.id, name: c.name, vendor: c.vendor }))}
      isAdmin={user.role === "admin"}
    />
  );
};

export default FlowPage;
