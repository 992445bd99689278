import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/require-user";
import { db } from "@/lib/db";
import { listFlowOptions } from "@/lib/mapping-admin/list-flow-options";
import { listValueMapKinds } from "@/lib/mapping-admin/list-value-map-kinds";
import { listMissingMappings } from "@/lib/sync/list-missing-mappings";
import { MappingsPageClient } from "./page-client";

export const metadata: Metadata = { title: "Mappings" };

const DESCRIPTION = "How source values become target values, per kind the flow declares. Unmapped values hold records until they are mapped.";

const MappingsPage = async ({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) => {
  const user = await requireUser();
  const params = await searchParams;
  const one = (k: string) => (Array.isArray(params[k]) ? params[k][0] : params[k]) ?? undefined;
  const database = db();
  const flows = await listFlowOptions({ db: database });
  if (flows.length === 0) {
    return (
      <>
        <PageHeader title="Mappings" description={DESCRIPTION} />
        <EmptyState title="No mappings yet">Create a flow first. Its mappings then list every source value that still needs a target, with the records waiting on it.</EmptyState>
      </>
    );
  }
  const flowId = flows.find((f) => f.id === one("flowId"))?.id ?? flows[0]!.id;
  const [kinds, coverage] = await Promise.all([listValueMapKinds({ db: database, flowId }), listMissingMappings({ db: database, flowId })]);
  const kind = kinds.find((k) => k.kind === one("kind")) ?? kinds[0];
  if (!kind) {
    return (
      <>
        <PageHeader title="Mappings" description={DESCRIPTION} />
        <EmptyState title="Nothing to map">This flow&apos;s kind declares no value maps.</EmptyState>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Mappings" description={DESCRIPTION} />
      <MappingsPageClient flows={flows} flowId={flowId} kinds={kinds} kind={kind.kind} initialQuery={one("q")?.slice(0, 100) ?? ""} initialCoverage={coverage} isAdmin={user.role === "admin"} />
    </>
  );
};

export default MappingsPage;
