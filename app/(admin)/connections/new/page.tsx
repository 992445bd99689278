import type { Metadata } from "next";
import { ConnectionForm } from "@/components/connections/connection-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/require-admin";
import { listConnectorForms } from "@/lib/connections/list-connector-forms";

export const metadata: Metadata = { title: "Add connection" };

const NewConnectionPage = async ({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) => {
  await requireAdmin();
  const forms = listConnectorForms();
  const asked = (await searchParams).vendor;
  const form = forms.find((f) => f.vendor === asked) ?? forms[0]!;
  return (
    <>
      <PageHeader title={`Add ${form.label} connection`} description="Its credentials are stored encrypted; test the connection before a flow uses it." />
      <ConnectionForm forms={forms} vendor={form.vendor} view={null} isAdmin />
    </>
  );
};

export default NewConnectionPage;
