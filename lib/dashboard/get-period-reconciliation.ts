import type { Db } from "../db";
import { connectFlow } from "../sync/connect-flow";

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

/** A document whose two sides differ, with the flow's record that explains it (held, failed, not yet synced ...). */
export type DifferenceDocument = {
  objectType: string;
  number: string;
  sourceAmount: string | null;
  targetAmount: string | null;
  sourceOpen: string | null;
  targetOpen: string | null;
  /** the flow's record of the document, or null when it was never received */
  record: { id: string; status: string; statusReason: string | null; lastError: string | null } | null;
};

/** One period and currency: source billed/credited/paid vs what the target holds, and open balances per customer. */
export type BalanceReconciliationRow = {
  /** YYYY-MM of the documents' dates */
  period: string;
  currency: string;
  billedSource: string;
  billedTarget: string;
  billedDifference: string;
  creditedSource: string;
  creditedTarget: string;
  creditedDifference: string;
  paidSource: string;
  paidTarget: string;
  paidDifference: string;
  /** open balance (invoices - open credit memos - unapplied payments) of the period's documents */
  openSource: string;
  openTarget: string;
  openDifference: string;
  /** customers whose open balance differs, with the documents that make the difference */
  customersWithDifference: { party: string; sourceOpen: string; targetOpen: string; difference: string; documents: DifferenceDocument[] }[];
};

export type BalanceReconciliation = { readAt: string; rows: BalanceReconciliationRow[] };

/** Cents as an exact decimal string ("-12.30"). */
const money = (cents: number) => `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, "0")}`;
const cents = (n: number | null | undefined) => Math.round((n ?? 0) * 100);

/**
 * Proof at close: both systems read now (the flow's `readBalances`), per period (YYYY-MM of the
 * document date) and currency: billed, credited and paid at the source against the target's
 * documents, and open balances per customer, each difference listed with the documents that make it
 * and the flow's record of each (one click to the record). `period` narrows to one month. Null when
 * the flow's kind cannot read both ledgers.
 */
export const getBalanceReconciliation = async ({ db, flowId, period }: { db: Db; flowId: string; period?: string }): Promise<BalanceReconciliation | null> => {
  const flow = await db.flow.findUnique({ where: { id: flowId } });
  if (!flow) return null;
  const rt = await connectFlow({ db, flow });
  if (!rt.readBalances) return null;
  const documents = (await rt.readBalances({ since: flow.backfillFrom ?? flow.createdAt })).filter((d) => !period || d.date.slice(0, 7) === period);
  const records = new Map(
    (
      await db.syncRecord.findMany({
        where: { flowId, naturalKey: { in: documents.map((d) => d.number) } },
        select: { id: true, objectType: true, naturalKey: true, status: true, statusReason: true, lastError: true },
      })
    ).map((r) => [`${r.objectType}:${r.naturalKey}`, r]),
  );
  type Acc = { billed: [number, number]; credited: [number, number]; paid: [number, number]; open: [number, number]; parties: Map<string, { open: [number, number]; docs: DifferenceDocument[] }> };
  const groups = new Map<string, Acc>();
  for (const d of documents) {
    const key = `${d.date.slice(0, 7)}\u0000${d.currency}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { billed: [0, 0], credited: [0, 0], paid: [0, 0], open: [0, 0], parties: new Map() }));
    const bucket = d.objectType === "invoice" ? g.billed : d.objectType === "credit-memo" ? g.credited : g.paid;
    const sign = d.objectType === "invoice" ? 1 : -1;
    const s = { amount: cents(d.source?.amount), open: sign * cents(d.source?.open) };
    const t = { amount: cents(d.target?.amount), open: sign * cents(d.target?.open) };
    bucket[0] += s.amount;
    bucket[1] += t.amount;
    g.open[0] += s.open;
    g.open[1] += t.open;
    let p = g.parties.get(d.party);
    if (!p) g.parties.set(d.party, (p = { open: [0, 0], docs: [] }));
    p.open[0] += s.open;
    p.open[1] += t.open;
    if (s.amount !== t.amount || s.open !== t.open || !d.source || !d.target) {
      const r = records.get(`${d.objectType}:${d.number}`);
      p.docs.push({
        objectType: d.objectType,
        number: d.number,
        sourceAmount: d.source ? money(cents(d.source.amount)) : null,
        targetAmount: d.target ? money(cents(d.target.amount)) : null,
        sourceOpen: d.source ? money(cents(d.source.open)) : null,
        targetOpen: d.target ? money(cents(d.target.open)) : null,
        record: r ? { id: r.id, status: r.status, statusReason: r.statusReason, lastError: r.lastError } : null,
      });
    }
  }
  const rows = [...groups].map(([key, g]): BalanceReconciliationRow => {
    const [p, currency] = key.split("\u0000") as [string, string];
    return {
      period: p,
      currency,
      billedSource: money(g.billed[0]),
      billedTarget: money(g.billed[1]),
      billedDifference: money(g.billed[0] - g.billed[1]),
      creditedSource: money(g.credited[0]),
      creditedTarget: money(g.credited[1]),
      creditedDifference: money(g.credited[0] - g.credited[1]),
      paidSource: money(g.paid[0]),
      paidTarget: money(g.paid[1]),
      paidDifference: money(g.paid[0] - g.paid[1]),
      openSource: money(g.open[0]),
      openTarget: money(g.open[1]),
      openDifference: money(g.open[0] - g.open[1]),
      customersWithDifference: [...g.parties]
        .filter(([, x]) => x.open[0] !== x.open[1] || x.docs.length > 0)
        .map(([party, x]) => ({ party, sourceOpen: money(x.open[0]), targetOpen: money(x.open[1]), difference: money(x.open[0] - x.open[1]), documents: x.docs }))
        .sort((a, b) => a.party.localeCompare(b.party)),
    };
  });
  rows.sort((a, b) => a.period.localeCompare(b.period) || a.currency.localeCompare(b.currency));
  return { readAt: new Date().toISOString(), rows };
};
