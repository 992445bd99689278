import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatAmount } from "@/components/flows/format";
import type { BalanceReconciliation, PeriodReconciliation } from "@/lib/dashboard/get-period-reconciliation";

/**
 * Received from the source vs posted to the target for the period, per document type and currency. Amounts
 * are Postgres sums of the stored decimals; a non-zero difference says where it sits (held, failed, pending).
 */
export const ReconciliationTable = ({
  reconciliation,
  sourceName,
  targetName,
  objectLabels,
}: {
  reconciliation: PeriodReconciliation;
  sourceName: string;
  targetName: string;
  /** the flow kind's label per object type */
  objectLabels: Record<string, string>;
}) => {
  if (reconciliation.rows.length === 0) {
    return <p className="px-4 py-6 text-center text-sm text-zinc-500">No documents dated in {reconciliation.period} yet.</p>;
  }
  return (
    <table className="w-full text-left text-sm" data-testid="reconciliation">
      <caption className="sr-only">
        Billed in {sourceName} vs posted to {targetName}, {reconciliation.period}
      </caption>
      <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
        <tr>
          <th scope="col" className="px-4 py-2 font-medium">Document</th>
          <th scope="col" className="px-4 py-2 font-medium">Currency</th>
          <th scope="col" className="px-4 py-2 text-right font-medium">Received</th>
          <th scope="col" className="px-4 py-2 text-right font-medium">Amount received</th>
          <th scope="col" className="px-4 py-2 text-right font-medium">Posted</th>
          <th scope="col" className="px-4 py-2 text-right font-medium">Amount posted</th>
          <th scope="col" className="px-4 py-2 text-right font-medium">Difference</th>
          <th scope="col" className="px-4 py-2 font-medium">Not posted</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 tabular-nums">
        {reconciliation.rows.map((r) => {
          const isBalanced = /^-?0\.0+$/.test(r.differenceAmount) && r.receivedCount === r.postedCount;
          const open = [
            r.heldCount ? `${r.heldCount} held` : null,
            r.failedCount ? `${r.failedCount} failed` : null,
            r.pendingCount ? `${r.pendingCount} pending` : null,
            r.skippedCount ? `${r.skippedCount} skipped` : null,
          ].filter(Boolean);
          return (
            <tr key={`${r.objectType}-${r.currency}`}>
              <td className="px-4 py-1.5 text-zinc-900">{objectLabels[r.objectType] ?? r.objectType}</td>
              <td className="px-4 py-1.5 text-zinc-600">{r.currency}</td>
              <td className="px-4 py-1.5 text-right">{r.receivedCount}</td>
              <td className="whitespace-nowrap px-4 py-1.5 text-right tabular-nums">{formatAmount(r.receivedAmount)}</td>
              <td className="px-4 py-1.5 text-right">{r.postedCount}</td>
              <td className="whitespace-nowrap px-4 py-1.5 text-right tabular-nums">{formatAmount(r.postedAmount)}</td>
              <td className={`whitespace-nowrap px-4 py-1.5 text-right font-medium tabular-nums ${isBalanced ? "text-emerald-700" : "text-amber-700"}`}>{isBalanced ? "✓ 0.00" : formatAmount(r.differenceAmount)}</td>
              <td className="px-4 py-1.5 text-zinc-600">{open.length ? open.join(", ") : "—"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};

const isZero = (amount: string) => /^-?0\.0+$/.test(amount);
const Diff = ({ amount }: { amount: string }) => (
  <td className={`whitespace-nowrap px-4 py-1.5 text-right font-medium tabular-nums ${isZero(amount) ? "text-emerald-700" : "text-amber-700"}`}>{isZero(amount) ? "✓ 0.00" : formatAmount(amount)}</td>
);

/**
 * Proof at close: both ledgers read on request (GET /api/flows/{id}/reconciliation), per currency
 * for the period: the differences of billed, credited, paid and open amounts, and the customers whose
 * open balance differs with the documents and records that explain it (each record one click away).
 */
export const LedgerReconciliation = ({ flowId, period }: { flowId: string; period: string }) => {
  const check = useQuery({
    queryKey: ["ledger-reconciliation", flowId, period],
    enabled: false,
    queryFn: async (): Promise<BalanceReconciliation> => {
      const res = await fetch(`/api/flows/${flowId}/reconciliation?period=${period}`);
      const body = await res.json();
      if (!res.ok) throw new Error(body?.error?.message ?? `Request failed (${res.status})`);
      return body as BalanceReconciliation;
    },
  });
  const rows = check.data?.rows ?? [];
  return (
    <div className="border-t border-zinc-100" data-testid="ledger-reconciliation">
      <div className="flex items-center gap-3 px-4 py-2 text-xs text-zinc-500">
        <button type="button" className="rounded border border-zinc-300 px-2 py-1 text-zinc-800 hover:bg-zinc-50" onClick={() => void check.refetch()} disabled={check.isFetching}>
          {check.isFetching ? "Reading both systems…" : "Compare both ledgers now"}
        </button>
        {check.data ? <span>read {check.data.readAt}: differences of the source&apos;s documents against the target&apos;s, by currency</span> : null}
        {check.error ? <span className="text-red-700">{check.error.message}</span> : null}
      </div>
      {check.data && rows.length === 0 ? <p className="px-4 pb-3 text-sm text-zinc-500">No documents dated in {period} in either system.</p> : null}
      {rows.length > 0 ? (
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">Currency</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">Billed</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">Credited</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">Paid</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">Open</th>
              <th scope="col" className="px-4 py-2 font-medium">Customers that differ</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 tabular-nums">
            {rows.map((r) => (
              <tr key={`${r.period}-${r.currency}`}>
                <td className="px-4 py-1.5 text-zinc-600">{r.currency}</td>
                <Diff amount={r.billedDifference} />
                <Diff amount={r.creditedDifference} />
                <Diff amount={r.paidDifference} />
                <Diff amount={r.openDifference} />
                <td className="px-4 py-1.5 text-zinc-600">
                  {r.customersWithDifference.length === 0
                    ? "—"
                    : r.customersWithDifference.map((c) => (
                        <div key={c.party}>
                          {c.party}: {formatAmount(c.difference)}{" "}
                          {c.documents.map((d) =>
                            d.record ? (
                              <Link key={d.number} href={`/records/${d.record.id}`} className="mr-1 text-blue-800 hover:underline">
                                {d.number} ({d.record.statusReason ?? d.record.status})
                              </Link>
                            ) : (
                              <span key={d.number} className="mr-1">
                                {d.number} (not synced)
                              </span>
                            ),
                          )}
                        </div>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
};
