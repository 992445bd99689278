import type { Metadata } from "next";
import { z } from "zod";
import { ConnectionForm } from "@/components/connections/connection-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/require-admin";

export const metadata: Metadata = { title: "Add connection" };

const NewConnectionPage = async ({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) => {
  await requireAdmin();
  const vendor = z.enum(["zuora", "acumatica"]).catch("zuora").parse((await searchParams).vendor);
  const label = vendor === "zuora" ? "Zuora" : "Acumatica";
  return (
    <>
      <PageHeader title={`Add ${label} connection`} description={vendor === "zuora" ? "Zuora Billing REST API with an OAuth client." : "Acumatica contract-based REST API with a Connected Application."} />
      <ConnectionForm vendor={vendor} view={null} isAdmin />
    </>
  );
};

export default NewConnectionPage;
