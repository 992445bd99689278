import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Connections" };

// Issue 2 ships the empty state only; the issue that adds connections lists them here from lib/.
const ConnectionsPage = () => (
  <>
    <PageHeader title="Connections" description="The billing and ERP systems ml-connector reads from and posts to." />
    <EmptyState title="No connections yet">Add Zuora and Acumatica to start. Each connection stores its API credentials encrypted and can be tested before use.</EmptyState>
  </>
);

export default ConnectionsPage;
