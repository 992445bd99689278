import type { Metadata } from "next";
import { FlowForm } from "@/components/flows/flow-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/require-admin";
import { listConnections } from "@/lib/connections/list-connections";
import { db } from "@/lib/db";
import { listFlowKindForms } from "@/lib/flows-admin/list-flow-kind-forms";

export const metadata: Metadata = { title: "New flow" };

const NewFlowPage = async () => {
  await requireAdmin();
  const connections = await listConnections({ db: db() });
  return (
    <>
      <PageHeader title="New flow" description="Created switched off: check its settings and mappings, then turn it on." />
      <FlowForm flow={null} kinds={listFlowKindForms()} connections={connections.map((c) => ({ id: c.id, name: c.name, vendor: c.vendor }))} isAdmin />
    </>
  );
};

export default NewFlowPage;
