import { formatAmount } from "@/components/flows/format";
import type { PeriodReconciliation } from "@/lib/dashboard/get-period-reconciliation";

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
              <td className="px-4 py-1.5 text-right">{formatAmount(r.receivedAmount)}</td>
              <td className="px-4 py-1.5 text-right">{r.postedCount}</td>
              <td className="px-4 py-1.5 text-right">{formatAmount(r.postedAmount)}</td>
              <td className={`px-4 py-1.5 text-right font-medium ${isBalanced ? "text-emerald-700" : "text-amber-700"}`}>{isBalanced ? "✓ 0.00" : formatAmount(r.differenceAmount)}</td>
              <td className="px-4 py-1.5 text-zinc-600">{open.length ? open.join(", ") : "—"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};
