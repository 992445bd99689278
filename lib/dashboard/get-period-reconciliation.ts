import type { Db } from "../db";

/** One document type in one currency: what the source billed in the period vs what reached the ERP. */
export type ReconciliationRow = {
  objectType: string;
  currency: string;
  /** documents received from the source with a document date in the period (any status) */
  receivedCount: number;
  /** their total, as a decimal string (exact, no floating point) */
  receivedAmount: string;
  postedCount: number;
  postedAmount: string;
  /** received - posted, as a decimal string; "0.0000" when billing and ledger agree */
  differenceAmount: string;
  heldCount: number;
  failedCount: number;
  pendingCount: number;
  skippedCount: number;
};

export type PeriodReconciliation = {
  /** YYYY-MM (UTC) */
  period: string;
  /** first day of the period and first day after it, YYYY-MM-DD */
  from: string;
  to: string;
  rows: ReconciliationRow[];
};

/** The calendar month (UTC) containing `at`, or a given "YYYY-MM". */
export const monthPeriod = (period?: string, at = new Date()) => {
  const [y, m] = period ? period.split("-").map(Number) : [at.getUTCFullYear(), at.getUTCMonth() + 1];
  const from = new Date(Date.UTC(y!, m! - 1, 1));
  const to = new Date(Date.UTC(y!, m!, 1));
  return { period: from.toISOString().slice(0, 7), from, to };
};

/**
 * Billed vs posted for one period: per document type and currency, the count and amount of the
 * flow's records whose document date falls in the period, and how much of it is posted. Sums are
 * done by Postgres on the stored decimals and returned as strings, so nothing is rounded.
 * Documents without an amount (customers) are left out.
 */
export const getPeriodReconciliation = async ({ db, flowId, period, now = new Date() }: { db: Db; flowId: string; period?: string; now?: Date }): Promise<PeriodReconciliation> => {
  const p = monthPeriod(period, now);
  const rows = await db.$queryRaw<
    { objectType: string; currency: string; receivedCount: bigint; receivedAmount: string; postedCount: bigint; postedAmount: string; differenceAmount: string; heldCount: bigint; failedCount: bigint; pendingCount: bigint; skippedCount: bigint }[]
  >`
    SELECT "objectType", COALESCE(currency, '?') AS currency,
      count(*) AS "receivedCount",
      COALESCE(sum(amount), 0)::numeric(18,2)::text AS "receivedAmount",
      count(*) FILTER (WHERE status = 'posted') AS "postedCount",
      COALESCE(sum(amount) FILTER (WHERE status = 'posted'), 0)::numeric(18,2)::text AS "postedAmount",
      (COALESCE(sum(amount), 0) - COALESCE(sum(amount) FILTER (WHERE status = 'posted'), 0))::numeric(18,2)::text AS "differenceAmount",
      count(*) FILTER (WHERE status = 'held') AS "heldCount",
      count(*) FILTER (WHERE status = 'failed') AS "failedCount",
      count(*) FILTER (WHERE status = 'pending') AS "pendingCount",
      count(*) FILTER (WHERE status = 'skipped') AS "skippedCount"
    FROM "SyncRecord"
    WHERE "flowId" = ${flowId}::uuid AND amount IS NOT NULL
      AND "documentDate" >= ${p.from}::date AND "documentDate" < ${p.to}::date
    GROUP BY 1, 2`;
  const order = ["invoice", "credit-memo", "payment"];
  const rank = (t: string) => (order.indexOf(t) === -1 ? order.length : order.indexOf(t));
  return {
    period: p.period,
    from: p.from.toISOString().slice(0, 10),
    to: p.to.toISOString().slice(0, 10),
    rows: rows
      .map((r) => ({
        objectType: r.objectType,
        currency: r.currency,
        receivedCount: Number(r.receivedCount),
        receivedAmount: r.receivedAmount,
        postedCount: Number(r.postedCount),
        postedAmount: r.postedAmount,
        differenceAmount: r.differenceAmount,
        heldCount: Number(r.heldCount),
        failedCount: Number(r.failedCount),
        pendingCount: Number(r.pendingCount),
        skippedCount: Number(r.skippedCount),
      }))
      .sort((a, b) => rank(a.objectType) - rank(b.objectType) || a.objectType.localeCompare(b.objectType) || a.currency.localeCompare(b.currency)),
  };
};
