import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { expect, type APIRequestContext } from "@playwright/test";
import { DEMO_FLOW_NAME } from "./records-support";

/*
 * The customers canvas at catalogue scale, for e2e/mappings-canvas.spec.ts and bench/scenarios/canvas.ts:
 * a disabled flow of the demo's kind and connections with 5,000 billing accounts (4,000 mapped, 1,000
 * seen in its ledger only) and 2,000 customers in the target sandbox, plus held invoices waiting on
 * ZA-HELD-1 and ZA-HELD-2. Written straight into the app's own database (and the sandbox's control API).
 */

export const SCALE_FLOW_NAME = "Canvas at scale (e2e)";
export const TARGETS = 2000;
export const MAPPED = 4000;
export const SOURCES = 5000;
const pad = (n: number, width: number) => String(n).padStart(width, "0");
export const account = (n: number) => `ZA-${pad(n, 5)}`;
export const customer = (n: number) => `SC${pad(n, 4)}`;
/** ZA-00001..ZA-04000 are mapped, in turn, to SC0001..SC2000 */
export const partnerOf = (n: number) => customer(((n - 1) % TARGETS) + 1);

/** Where the app under test keeps its database: its data folder (scripts/start.ts writes the password there) and Postgres port. */
export type AppDb = { dataDir: string | undefined; pgPort: number };

const withDb = async <T>({ dataDir, pgPort }: AppDb, run: (db: pg.Client) => Promise<T>): Promise<T> => {
  if (!dataDir) throw new Error("E2E_DATA_DIR is not set: this journey seeds the app's own database (playwright.config.ts sets it)");
  const { pgPassword } = JSON.parse(readFileSync(path.join(dataDir, "secrets.json"), "utf8")) as { pgPassword: string };
  const db = new pg.Client({ host: "127.0.0.1", port: pgPort, user: "postgres", password: pgPassword, database: "ml_connector" });
  await db.connect();
  try {
    return await run(db);
  } finally {
    await db.end();
  }
};

/** The scale flow's id, seeding it first when this run has none (the run's database and sandbox are fresh). */
export const ensureCanvasScaleFlow = async ({ request, sandboxControl, ...appDb }: AppDb & { request: APIRequestContext; sandboxControl: string }): Promise<string> => {
  const flows = (await (await request.get("/api/flows")).json()) as { id: string; name: string }[];
  const existing = flows.find((f) => f.name === SCALE_FLOW_NAME);
  if (existing) return existing.id;
  const seeded = await request.post(`${sandboxControl}/acumatica/seed`, {
    data: { customers: Array.from({ length: TARGETS }, (_, i) => ({ CustomerID: customer(i + 1), CustomerName: `Scale Customer ${pad(i + 1, 4)}`, CurrencyID: "USD" })) },
  });
  expect(seeded.status(), await seeded.text()).toBeLessThan(300);
  return withDb(appDb, async (db) => {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO "Flow"(kind, name, "sourceConnectionId", "targetConnectionId", enabled)
       SELECT kind, $1, "sourceConnectionId", "targetConnectionId", false FROM "Flow" WHERE name = $2 RETURNING id`,
      [SCALE_FLOW_NAME, DEMO_FLOW_NAME],
    );
    const flowId = rows[0]!.id;
    await db.query(
      `INSERT INTO "ValueMap"("flowId", kind, "sourceKey", "sourceLabel", "targetValue")
       SELECT $1, 'customer', 'ZA-' || lpad(g::text, 5, '0'), 'Scale Account ' || lpad(g::text, 5, '0'), 'SC' || lpad((((g - 1) % ${TARGETS}) + 1)::text, 4, '0')
       FROM generate_series(1, ${MAPPED}) g`,
      [flowId],
    );
    await db.query(
      `INSERT INTO "SyncRecord"("flowId", "objectType", "sourceId", "naturalKey", status, "statusReason", "sourcePayload")
       SELECT $1, 'account', 'ZA-' || lpad(g::text, 5, '0'), 'ZA-' || lpad(g::text, 5, '0'), 'skipped', 'seeded for the canvas journey',
              jsonb_build_object('name', 'Scale Account ' || lpad(g::text, 5, '0'))
       FROM generate_series(${MAPPED + 1}, ${SOURCES}) g`,
      [flowId],
    );
    await db.query(
      `INSERT INTO "SyncRecord"("flowId", "objectType", "sourceId", "naturalKey", status, "statusReason", missing, amount, currency, "sourcePayload")
       SELECT $1, 'invoice', 'held-' || k || '-' || g, 'INV-' || k || '-' || g, 'held', 'mapping-missing',
              jsonb_build_array(jsonb_build_object('kind', 'customer', 'sourceKey', k, 'label', 'Held Account')), 100, 'USD', '{}'::jsonb
       FROM unnest(ARRAY['ZA-HELD-1', 'ZA-HELD-2']) k, generate_series(1, 2) g`,
      [flowId],
    );
    return flowId;
  });
};

/** Held records of a flow that still name (kind, sourceKey) as missing. */
export const heldOnKey = ({ flowId, kind, sourceKey, ...appDb }: AppDb & { flowId: string; kind: string; sourceKey: string }) =>
  withDb(appDb, async (db) => {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "SyncRecord" WHERE "flowId" = $1 AND status = 'held' AND missing @> $2::jsonb`, [
      flowId,
      JSON.stringify([{ kind, sourceKey }]),
    ]);
    return Number(rows[0]!.n);
  });

/** The target value (kind, sourceKey) is mapped to in a flow, null when unmapped. */
export const mappedTarget = ({ flowId, kind, sourceKey, ...appDb }: AppDb & { flowId: string; kind: string; sourceKey: string }) =>
  withDb(appDb, async (db) => (await db.query<{ targetValue: string }>(`SELECT "targetValue" FROM "ValueMap" WHERE "flowId" = $1 AND kind = $2 AND "sourceKey" = $3`, [flowId, kind, sourceKey])).rows[0]?.targetValue ?? null);

/** Removes the mappings of these source keys, so a journey that maps them starts from "unmapped" on a retry too. */
export const unmapKeys = ({ flowId, kind, sourceKeys, ...appDb }: AppDb & { flowId: string; kind: string; sourceKeys: string[] }) =>
  withDb(appDb, (db) => db.query(`DELETE FROM "ValueMap" WHERE "flowId" = $1 AND kind = $2 AND "sourceKey" = ANY($3::text[])`, [flowId, kind, sourceKeys]));

/**
 * Puts the held journey's records back where the seed left them: these keys unmapped, their invoices held on
 * them, and the flow asking after each saved mapping. A retry of the journey then starts from the same state.
 */
export const resetHeldKeys = ({ flowId, sourceKeys, ...appDb }: AppDb & { flowId: string; sourceKeys: string[] }) =>
  withDb(appDb, async (db) => {
    await db.query(`DELETE FROM "ValueMap" WHERE "flowId" = $1 AND kind = 'customer' AND "sourceKey" = ANY($2::text[])`, [flowId, sourceKeys]);
    await db.query(`UPDATE "Flow" SET "releaseOnMapping" = false WHERE id = $1`, [flowId]);
    await db.query(
      `UPDATE "SyncRecord" r SET status = 'held', "statusReason" = 'mapping-missing',
              missing = jsonb_build_array(jsonb_build_object('kind', 'customer', 'sourceKey', k.key, 'label', 'Held Account'))
         FROM unnest($2::text[]) k(key)
        WHERE r."flowId" = $1 AND r."objectType" = 'invoice' AND r."sourceId" LIKE 'held-' || k.key || '-%'`,
      [flowId, sourceKeys],
    );
  });
