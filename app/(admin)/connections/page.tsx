import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { listConnections } from "@/lib/connections/list-connections";
import { listConnectorForms } from "@/lib/connections/list-connector-forms";
import { db } from "@/lib/db";
import { ConnectionsPageClient } from "./page-client";

export const metadata: Metadata = { title: "Connections" };

const ConnectionsPage = async () => {
  const user = await requireUser();
  const connections = await listConnections({ db: db() });
  const systems = listConnectorForms().map(({ vendor, label }) => ({ vendor, label }));
  return <ConnectionsPageClient initialConnections={connections} systems={systems} isAdmin={user.role === "admin"} />;
};

export default ConnectionsPage;
