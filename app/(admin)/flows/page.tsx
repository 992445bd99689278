import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Flows" };

// Issue 2 ships the empty state only; the issue that adds flows lists them here from lib/.
const FlowsPage = () => (
  <>
    <PageHeader title="Flows" description="What moves between your systems, in which direction, and how often." />
    <EmptyState title="No flows yet">Add your connections first, then create a flow such as Zuora invoices to Acumatica AR invoices.</EmptyState>
  </>
);

export default FlowsPage;
