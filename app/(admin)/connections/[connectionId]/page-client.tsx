"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ConnectionForm } from "@/components/connections/connection-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { deleteConnectionAction } from "@/lib/actions/delete-connection";
import type { ConnectionView } from "@/lib/connections/views";

/** One connection: its form (secrets write-only), last test, the flows using it, and delete. */
export const ConnectionPageClient = ({ view, isAdmin }: { view: ConnectionView; isAdmin: boolean }) => {
  const router = useRouter();
  const remove = useMutation({
    mutationFn: async () => {
      const result = await deleteConnectionAction({ id: view.id });
      if (!result.ok) throw new Error(result.error.message);
    },
    onSuccess: () => router.push("/connections"),
  });
  const vendor = view.vendor === "acumatica" ? "acumatica" : "zuora";
  return (
    <>
      <PageHeader
        title={view.name}
        description={`${vendor === "zuora" ? "Zuora" : "Acumatica"} connection · ${view.baseUrl}`}
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
      <ConnectionForm vendor={vendor} view={view} isAdmin={isAdmin} />
    </>
  );
};
