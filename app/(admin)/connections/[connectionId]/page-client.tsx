"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ConnectionForm } from "@/components/connections/connection-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { deleteConnectionAction } from "@/lib/actions/delete-connection";
import type { ConnectorFormView } from "@/lib/connections/get-connector-form";
import type { ConnectionView } from "@/lib/connections/views";
import { formatUtc } from "@/components/flows/format";

/** One connection: its form (secrets write-only), last test, the flows using it, and delete. */
export const ConnectionPageClient = ({ view, form, isAdmin }: { view: ConnectionView; form: ConnectorFormView | null; isAdmin: boolean }) => {
  const router = useRouter();
  const remove = useMutation({
    mutationFn: async () => {
      const result = await deleteConnectionAction({ id: view.id });
      if (!result.ok) throw new Error(result.error.message);
    },
    onSuccess: () => router.push("/connections"),
  });
  return (
    <>
      <PageHeader
        title={view.name}
        description={`${view.vendorLabel} connection · ${view.baseUrl}`}
        actions={
          isAdmin ? (
            <Button
              className="text-red-700"
              disabled={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete the connection "${view.name}"? Its stored credentials are erased.`)) remove.mutate();
              }}
            >
              Delete connection
            </Button>
          ) : null
        }
      />
      {remove.isError ? <Alert tone="error">{remove.error.message}</Alert> : null}
      {view.usedBy.length ? (
        <p className="text-sm text-zinc-600">
          Used by{" "}
          {view.usedBy.map((f, i) => (
            <span key={f.id}>
              {i ? ", " : ""}
              <Link className="text-blue-700 hover:underline" href={`/flows/${f.id}`}>
                {f.name}
              </Link>
            </span>
          ))}
        </p>
      ) : null}
      {view.subscription ? (
        <section aria-label="Event subscription" className="rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm">
          <h2 className="font-semibold text-zinc-900">Event subscription</h2>
          <p className="mt-1 text-zinc-700" data-testid="subscription-state">
            {view.subscription.expiresAt ? `Expires ${formatUtc(view.subscription.expiresAt)}` : "Does not expire"}
            {view.subscription.renewedAt ? ` · renewed ${formatUtc(view.subscription.renewedAt)}` : " · not renewed yet"}
          </p>
          {view.subscription.error ? <p className="mt-1 text-red-700">Last renewal failed: {view.subscription.error}</p> : null}
        </section>
      ) : null}
      {form ? (
        <ConnectionForm forms={[form]} vendor={form.vendor} view={view} isAdmin={isAdmin} />
      ) : (
        <Alert tone="error">This build has no connector for {view.vendor}: the connection cannot be edited or used.</Alert>
      )}
    </>
  );
};
