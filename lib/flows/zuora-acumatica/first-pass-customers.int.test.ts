import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { createTestDb, type TestDb } from "../../../test/db";
import { createFlow } from "../../../test/e2e-sync/harness";
import { createDb, type Db } from "../../db";
import { pollFlow } from "../../sync/poll-flow";
import { processRecord } from "../../sync/process-record";

/*
 * A first-pass poll page asks Acumatica for the customers of all its accounts in one call. Its answer
 * (none, or the customers found, with what the planner checks of them) goes with each account's record,
 * so the account's first attempt does not ask again, in whichever worker process it runs, while the
 * answer is fresh: a second Prisma client stands for another process (its own vendor clients, none of
 * the poller's remembered answers). An answer too old, and a record an attempt has already run for,
 * are looked up as before. Real worker code, real HTTP to the sandbox.
 */

describe("first pass: a page's answer about an account's customers serves the account's first attempt in any process (Zuora -> Acumatica sandbox)", () => {
  let t: TestDb;
  let sandbox: RunningSandbox;
  let other: Db | undefined;

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0, demo: { accounts: 10, existingCustomerRate: 0.5, seed: 3 } })]);
  }, 60_000);
  afterAll(async () => {
    await other?.$disconnect();
    await Promise.all([sandbox?.close(), t?.drop()]);
  });

  const customerLookUps = async () => (await sandbox.control.acumatica.stats()).byRoute["GET Customer?$filter=CustomerID"] ?? 0;

  it("matches or creates each account's customer without looking it up again, unless the answer is old or an attempt ran", async () => {
    const { flowId } = await createFlow({ t, sandbox });
    for (const objectType of ["period", "account"]) {
      for (let round = 0; round < 10; round++) if ((await pollFlow({ db: t.db, flowId, objectType })).status === "done") break;
    }
    const accounts = await t.db.syncRecord.findMany({ where: { flowId, objectType: "account" }, orderBy: { naturalKey: "asc" } });
    expect(accounts).toHaveLength(10);
    const existing = new Map((await sandbox.control.acumatica.documents("Customer")).map((c) => [String(c.CustomerID), c]));
    // the page's answer, per account: its existing customer (matched by account number), or none (created without the engine's look-up)
    for (const r of accounts) {
      const found = existing.get(r.naturalKey!);
      expect({ account: r.naturalKey, found: r.targetFound, lookUpFirst: r.lookUpFirst }).toEqual({
        account: r.naturalKey,
        found: found ? [{ targetId: found.id, targetRef: r.naturalKey, read: expect.objectContaining({ CustomerID: r.naturalKey, CurrencyID: found.CurrencyID }) }] : [],
        lookUpFirst: Boolean(found),
      });
      expect(r.targetLookedUpAt).not.toBeNull();
    }
    const absent = accounts.filter((r) => !existing.has(r.naturalKey!));
    const matched = accounts.filter((r) => existing.has(r.naturalKey!));
    expect(absent.length).toBeGreaterThanOrEqual(3);
    expect(matched.length).toBeGreaterThanOrEqual(3);

    // answers too old to stand for a look-up; records an attempt was claimed for and died in (it may have written)
    const [staleAbsent, ranAbsent, ...freshAbsent] = absent;
    const [staleMatched, ranMatched, ...freshMatched] = matched;
    const ids = (rs: typeof accounts) => rs.map((r) => r.id);
    await t.db.$executeRaw`UPDATE "SyncRecord" SET "targetLookedUpAt" = "targetLookedUpAt" - interval '31 seconds' WHERE id = ANY(${ids([staleAbsent!, staleMatched!])}::uuid[])`;
    await t.db.$executeRaw`UPDATE "SyncRecord" SET attempts = 1, "lookUpFirst" = true WHERE id = ANY(${ids([ranAbsent!, ranMatched!])}::uuid[])`;

    other = createDb(t.url, { max: 4 });
    const lookUpsOf = new Map<string, number>();
    for (const r of accounts) {
      const before = await customerLookUps();
      expect(await processRecord({ db: other, recordId: r.id }), r.naturalKey!).toMatchObject({ status: "posted" });
      lookUpsOf.set(r.naturalKey!, (await customerLookUps()) - before);
    }
    for (const r of [...freshAbsent, ...freshMatched]) expect({ account: r.naturalKey, lookUps: lookUpsOf.get(r.naturalKey!) }).toEqual({ account: r.naturalKey, lookUps: 0 });
    for (const r of [staleAbsent!, ranAbsent!, staleMatched!, ranMatched!]) expect(lookUpsOf.get(r.naturalKey!), r.naturalKey!).toBeGreaterThanOrEqual(1);

    // every account has one customer: the existing ones matched (and given the account's id), the others created once
    const customers = await sandbox.control.acumatica.documents("Customer");
    expect(customers).toHaveLength(existing.size + absent.length);
    const maps = await t.db.valueMap.findMany({ where: { flowId, kind: "customer" } });
    expect(new Map(maps.map((m) => [m.sourceKey, m.targetValue]))).toEqual(new Map(accounts.map((r) => [r.naturalKey!, existing.has(r.naturalKey!) ? r.naturalKey! : `Z${r.naturalKey!}`])));
    const sources = new Map(accounts.map((r) => [r.naturalKey!, (r.sourcePayload as { id: string }).id]));
    for (const r of matched) expect(customers.find((c) => c.CustomerID === r.naturalKey)?.AccountRef, r.naturalKey!).toBe(sources.get(r.naturalKey!));
  }, 180_000);
});
