import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Records" };

// Issue 2 ships the empty state only; the issue that adds records lists them here from lib/.
const RecordsPage = () => (
  <>
    <PageHeader title="Records" description="Every source document, where it was posted, and what is held or failed." />
    <EmptyState title="No records yet">Records appear here once an enabled flow has synced. Held records show what mapping they are waiting for.</EmptyState>
  </>
);

export default RecordsPage;
