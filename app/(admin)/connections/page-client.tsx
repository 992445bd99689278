"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { TestSteps } from "@/components/connections/test-steps";
import { formatUtc } from "@/components/flows/format";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { LinkButton } from "@/components/ui/link-button";
import { PageHeader } from "@/components/ui/page-header";
import { deleteConnectionAction } from "@/lib/actions/delete-connection";
import { testConnectionAction } from "@/lib/actions/test-connection";
import type { ConnectionView } from "@/lib/connections/views";

const fetchConnections = async (): Promise<ConnectionView[]> => {
  const res = await fetch("/api/connections");
  if (!res.ok) throw new Error("Could not load connections.");
  return res.json();
};

/** Connections with their last test; admins test and delete in place. */
export const ConnectionsPageClient = ({ initialConnections, systems, isAdmin }: { initialConnections: ConnectionView[]; systems: { vendor: string; label: string }[]; isAdmin: boolean }) => {
  const queryClient = useQueryClient();
  const { data: connections = initialConnections } = useQuery({ queryKey: ["connections"], queryFn: fetchConnections, initialData: initialConnections });
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [expanded, setExpanded] = useState<string | null>(null);

  const test = useMutation({
    mutationFn: async (connectionId: string) => {
      const result = await testConnectionAction({ connectionId });
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    onMutate: (id) => {
      setMessage(null);
      setExpanded(id);
    },
    onError: (err) => setMessage({ tone: "error", text: err.message }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["connections"] }),
  });
  const remove = useMutation({
    mutationFn: async (c: ConnectionView) => {
      const result = await deleteConnectionAction({ id: c.id });
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    onMutate: () => setMessage(null),
    onSuccess: (d) => setMessage({ tone: "success", text: `Deleted ${d.name}.` }),
    onError: (err) => setMessage({ tone: "error", text: err.message }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["connections"] }),
  });

  const actions = isAdmin ? (
    <>
      {systems.map((s) => (
        <LinkButton key={s.vendor} href={`/connections/new?vendor=${encodeURIComponent(s.vendor)}`}>
          Add {s.label}
        </LinkButton>
      ))}
    </>
  ) : null;

  return (
    <>
      <PageHeader title="Connections" description="The billing and ERP systems ml-connector reads from and posts to." actions={actions} />
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      {connections.length === 0 ? (
        <EmptyState title="No connections yet" action={actions}>
          Add a connection to each system a flow reads from or posts to. Each connection stores its API credentials encrypted and can be tested before use.
        </EmptyState>
      ) : (
        <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Connections</caption>
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Name</th>
                <th scope="col" className="px-4 py-2 font-medium">System</th>
                <th scope="col" className="px-4 py-2 font-medium">URL</th>
                <th scope="col" className="px-4 py-2 font-medium">Last test</th>
                <th scope="col" className="px-4 py-2 font-medium">Used by</th>
                <th scope="col" className="px-4 py-2 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {connections.map((c) => (
                <ConnectionRow
                  key={c.id}
                  c={c}
                  isAdmin={isAdmin}
                  isTesting={test.isPending && test.variables === c.id}
                  isExpanded={expanded === c.id}
                  onToggle={() => setExpanded(expanded === c.id ? null : c.id)}
                  onTest={() => test.mutate(c.id)}
                  onDelete={() => {
                    if (window.confirm(`Delete the connection "${c.name}"? Its stored credentials are erased.`)) remove.mutate(c);
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
};

const ConnectionRow = ({
  c,
  isAdmin,
  isTesting,
  isExpanded,
  onToggle,
  onTest,
  onDelete,
}: {
  c: ConnectionView;
  isAdmin: boolean;
  isTesting: boolean;
  isExpanded: boolean;
  onToggle: () => void;
  onTest: () => void;
  onDelete: () => void;
}) => (
  <>
    <tr>
      <td className="px-4 py-2 font-medium text-zinc-900">
        <Link href={`/connections/${c.id}`} className="hover:underline">
          {c.name}
        </Link>
      </td>
      <td className="px-4 py-2 text-zinc-700">{c.vendorLabel}</td>
      <td className="max-w-64 truncate px-4 py-2 font-mono text-xs text-zinc-600" title={c.baseUrl}>
        {c.baseUrl}
      </td>
      <td className="px-4 py-2">
        {c.lastTestResult ? (
          <button type="button" onClick={onToggle} aria-expanded={isExpanded} className="inline-flex items-center gap-1.5 text-left hover:underline">
            <span aria-hidden="true" className={`size-2 rounded-full ${c.lastTestResult.ok ? "bg-emerald-500" : "bg-red-500"}`} />
            <span className={c.lastTestResult.ok ? "text-zinc-700" : "text-red-700"}>{c.lastTestResult.ok ? "Works" : "Failed"}</span>
            <span className="whitespace-nowrap tabular-nums text-zinc-500">{formatUtc(c.lastTestAt)}</span>
          </button>
        ) : (
          <span className="text-zinc-500">{isTesting ? "Testing…" : "Not tested"}</span>
        )}
      </td>
      <td className="px-4 py-2 text-zinc-600">{c.usedBy.length ? c.usedBy.map((f) => f.name).join(", ") : "—"}</td>
      <td className="px-4 py-1.5 text-right whitespace-nowrap">
        {isAdmin ? (
          <span className="inline-flex gap-1.5">
            <Button onClick={onTest} disabled={isTesting} aria-label={`Test ${c.name}`}>
              {isTesting ? "Testing…" : "Test"}
            </Button>
            <Button onClick={onDelete} aria-label={`Delete ${c.name}`} className="text-red-700">
              Delete
            </Button>
          </span>
        ) : null}
      </td>
    </tr>
    {isExpanded && c.lastTestResult ? (
      <tr>
        <td colSpan={6} className="px-4 pb-3">
          <TestSteps result={c.lastTestResult} testedAt={c.lastTestAt} />
        </td>
      </tr>
    ) : null}
  </>
);
