import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { db } from "@/lib/db";
import { listFlows } from "@/lib/flows-admin/list-flows";
import { FlowsPageClient } from "./page-client";

export const metadata: Metadata = { title: "Flows" };

const FlowsPage = async () => {
  const user = await requireUser();
  const [flows, connections] = await Promise.all([listFlows({ db: db() }), db().connection.count()]);
  return <FlowsPageClient initialFlows={flows} hasConnections={connections > 0} isAdmin={user.role === "admin"} />;
};

export default FlowsPage;
