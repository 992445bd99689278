import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Mappings" };

// Issue 2 ships the empty state only; the issue that adds mappings lists them here from lib/.
const MappingsPage = () => (
  <>
    <PageHeader title="Mappings" description="How source values become target values: GL accounts, customers, products, tax codes." />
    <EmptyState title="No mappings yet">Create a flow first. Its mappings then list every source value that still needs a target, with the records waiting on it.</EmptyState>
  </>
);

export default MappingsPage;
