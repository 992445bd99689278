import { createDb, type Db } from "../../lib/db";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { createSandboxFlow, spawnWorker, startOwnPostgres, type OwnPostgres, type WorkerProcess } from "../../bench/lib/stack";

/* What every chaos run drives: a Postgres of its own, the vendor sandbox, worker processes. */

export type ChaosStack = { pgs: OwnPostgres; db: Db; sandbox: RunningSandbox };

export const startChaosStack = async ({ accounts }: { accounts: number }): Promise<ChaosStack> => {
  const [pgs, sandbox] = await Promise.all([startOwnPostgres(), startSandbox({ port: 0, demo: { accounts, existingCustomerRate: 0.5 } })]);
  return { pgs, sandbox, db: createDb(pgs.url, { max: 4 }) };
};

/** Tears down what started (any part may be missing when start-up failed). */
export const stopChaosStack = async ({ pgs, db, sandbox, workers }: Partial<ChaosStack> & { workers: WorkerProcess[] }) => {
  await Promise.all(workers.map((w) => w.kill()));
  await db?.$disconnect();
  await Promise.all([sandbox?.close(), pgs?.destroy()]);
};

/**
 * A flow over the sandbox and a bill run of `invoices` (40 % electronic and 30 % external payments, 10 %
 * credit memos, unless `rates` says otherwise); `expected` counts per object type.
 *
 * The flow has finished its first pass over invoices, payments and credit memos before the bill run
 * (a live flow meeting a new bill run): their records are created without a look-up unless an earlier
 * attempt may have written them, so a run tests that rule. Customers stay first-pass (the sandbox's
 * Acumatica holds half of them already).
 */
export const startBillRunFlow = async (
  { db, sandbox }: ChaosStack,
  { invoices, seed, rates = { electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.1 } }: { invoices: number; seed: number; rates?: { electronicPaymentRate: number; externalPaymentRate: number; creditMemoRate: number } },
) => {
  const { flowId } = await createSandboxFlow({ db, sandbox, acumaticaLimits: { requestsPerMinute: 600_000, maxConcurrent: 16 } });
  const { backfillFrom } = await db.flow.findUniqueOrThrow({ where: { id: flowId }, select: { backfillFrom: true } });
  await db.syncCursor.createMany({ data: ["invoice", "payment", "credit-memo"].map((objectType) => ({ flowId, objectType, highWater: backfillFrom })) });
  const run = await sandbox.control.zuora.billRun({ invoices, ...rates, seed });
  return { flowId, run, expected: { invoice: run.invoices.length, payment: run.payments.length, "credit-memo": run.creditMemos.length } };
};

/**
 * Two worker processes on the stack's database, as a scaled-out install runs them (each also pushed to
 * `workers`, for stopChaosStack). `killOne` SIGKILLs one of them, picked by `rnd`, and starts another in
 * its place.
 */
export const startWorkerPair = ({ pgs, workers, rnd }: { pgs: OwnPostgres; workers: WorkerProcess[]; rnd: () => number }) => {
  const start = () => {
    const w = spawnWorker({ databaseUrl: pgs.url, concurrency: 4 });
    workers.push(w);
    return w;
  };
  let live = [start(), start()];
  return {
    killOne: async () => {
      const victim = Math.floor(rnd() * live.length);
      await live[victim]!.kill("SIGKILL");
      live = live.map((w, i) => (i === victim ? start() : w));
    },
  };
};

/** Deterministic PRNG (mulberry32), so a seeded schedule replays. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
