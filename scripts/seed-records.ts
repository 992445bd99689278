// Seeds many SyncRecords (+ RecordEvents) fast with generate_series, and measures the records list.
//
//   npx tsx scripts/seed-records.ts                       # embedded Postgres in a temp folder: seed 1,000,000, measure, stop
//   npx tsx scripts/seed-records.ts --count 200000 --runs 50
//   DATABASE_URL=postgres://... npx tsx scripts/seed-records.ts --no-measure   # into a migrated database (never production)
//   DATABASE_URL=postgres://... npx tsx scripts/seed-records.ts --count 0      # measure what is there, seed nothing
//
// Records: two flows, four object types, createdAt spread over the last 365 days, statuses about
// 80% posted, 8% held (mapping-missing), 5% failed, 4% skipped, 3% pending, a ~400-byte source
// payload each (so the table is as wide as a real one; the list must not read it), two events each.
import { randomBytes, randomUUID } from "node:crypto";
import { chmod, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { getDashboardAttention } from "../lib/dashboard/get-dashboard-attention";
import { getFlowDashboard } from "../lib/dashboard/get-flow-dashboard";
import { createDb, type Db } from "../lib/db";
import { migrate } from "../lib/db/migrate";
import { countRecordsByStatus } from "../lib/records/count-records-by-status";
import { listRecords } from "../lib/records/list-records";
import type { RecordFilter } from "../lib/records/schemas";
import { encodeRecordCursor } from "../lib/records/schemas";
import { freePort, startEmbeddedPostgres } from "./embedded-postgres";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "1000000" },
    batch: { type: "string", default: "100000" },
    runs: { type: "string", default: "50" },
    "no-measure": { type: "boolean", default: false },
  },
});

const COUNT = Number(args.count);
const BATCH = Number(args.batch);
const RUNS = Number(args.runs);

const ensureFlows = async (client: pg.Client): Promise<string[]> => {
  const existing = await client.query<{ id: string }>(`SELECT id FROM "Flow" WHERE name LIKE 'Seeded flow %' ORDER BY name`);
  if (existing.rows.length >= 2) return existing.rows.map((r) => r.id);
  const suffix = randomBytes(3).toString("hex");
  const conn = async (vendor: string) =>
    (await client.query<{ id: string }>(`INSERT INTO "Connection" (vendor, name, "baseUrl", credentials) VALUES ($1, $2, 'http://127.0.0.1:9', 'seeded') RETURNING id`, [vendor, `Seeded ${vendor} ${suffix}`])).rows[0]!.id;
  const [source, target] = [await conn("zuora"), await conn("acumatica")];
  const ids: string[] = [];
  for (const n of [1, 2]) {
    ids.push(
      (await client.query<{ id: string }>(`INSERT INTO "Flow" (kind, name, "sourceConnectionId", "targetConnectionId") VALUES ('zuora-acumatica', $1, $2, $3) RETURNING id`, [`Seeded flow ${n} ${suffix}`, source, target])).rows[0]!.id,
    );
  }
  return ids;
};

/** One batch [from, to): records and their two events in one statement. */
const seedBatch = async (client: pg.Client, flows: string[], from: number, to: number, runId: string) => {
  await client.query(
    `WITH r AS (
     INSERT INTO "SyncRecord" (id, "flowId", "objectType", "sourceId", "naturalKey", "sourceVersion", status, "statusReason", missing, amount, currency, "documentDate",
                               "sourcePayload", "targetId", "targetRef", attempts, "lastError", "createdAt", "updatedAt", "postedAt")
     SELECT gen_random_uuid(), ($1::uuid[])[1 + i % 2], t.type, $4 || '-' || i, t.prefix || lpad(i::text, 8, '0'), NULL,
            s.status::"RecordStatus",
            CASE s.status WHEN 'held' THEN 'mapping-missing' WHEN 'skipped' THEN 'duplicate' ELSE NULL END,
            CASE WHEN s.status = 'held' THEN jsonb_build_array(jsonb_build_object('kind', 'gl-account', 'sourceKey', 'Charge ' || (i % 40))) ELSE NULL END,
            CASE WHEN t.type = 'account' THEN NULL ELSE round((i % 100000) / 7.0, 2) END,
            CASE WHEN i % 3 = 0 THEN 'EUR' ELSE 'USD' END,
            (now() - (i % 365) * interval '1 day')::date,
            jsonb_build_object('id', $4 || '-' || i, 'number', t.prefix || lpad(i::text, 8, '0'), 'status', 'Posted',
                               'lines', jsonb_build_array(jsonb_build_object('chargeName', 'Charge ' || (i % 40), 'amount', (i % 1000), 'description', repeat('x', 200)))),
            CASE WHEN s.status = 'posted' THEN 'T' || i ELSE NULL END,
            CASE WHEN s.status = 'posted' THEN 'R' || lpad(i::text, 8, '0') ELSE NULL END,
            CASE WHEN s.status IN ('posted', 'failed') THEN 1 ELSE 0 END,
            CASE WHEN s.status = 'failed' THEN 'Account ''40000'' is inactive.' ELSE NULL END,
            c.ts, c.ts, CASE WHEN s.status = 'posted' THEN c.ts ELSE NULL END
     FROM generate_series($2::int, $3::int - 1) AS i
     CROSS JOIN LATERAL (SELECT now() - (($5::int - i)::float8 * 31.536) * interval '1 second' AS ts) c
     CROSS JOIN LATERAL (SELECT (ARRAY['invoice', 'payment', 'credit-memo', 'account'])[1 + (i / 2) % 4] AS type,
                                (ARRAY['INV', 'P-', 'CM', 'A'])[1 + (i / 2) % 4] AS prefix) t
     CROSS JOIN LATERAL (SELECT CASE WHEN (i::bigint * 7919) % 100 < 80 THEN 'posted' WHEN (i::bigint * 7919) % 100 < 88 THEN 'held'
                                     WHEN (i::bigint * 7919) % 100 < 93 THEN 'failed' WHEN (i::bigint * 7919) % 100 < 97 THEN 'skipped' ELSE 'pending' END AS status) s
     RETURNING id, status::text AS status, "targetId", "targetRef", missing, "lastError", "createdAt")
     INSERT INTO "RecordEvent" ("recordId", kind, detail, "createdAt")
     SELECT r.id, e.kind, e.detail, r."createdAt"
     FROM r
     CROSS JOIN LATERAL (VALUES
       ('received', jsonb_build_object('origin', 'poll', 'sourceVersion', NULL)),
       (CASE r.status WHEN 'pending' THEN 'fetched' ELSE r.status END,
        CASE r.status WHEN 'posted' THEN jsonb_build_object('targetId', r."targetId", 'targetRef', r."targetRef", 'via', 'created')
                      WHEN 'held' THEN jsonb_build_object('reason', 'mapping-missing', 'missing', r.missing)
                      WHEN 'failed' THEN jsonb_build_object('reason', r."lastError", 'retryable', false)
                      WHEN 'skipped' THEN jsonb_build_object('reason', 'duplicate')
                      ELSE jsonb_build_object('origin', 'poll', 'sourceVersion', NULL, 'naturalKey', NULL) END)) AS e(kind, detail)`,
    [flows, from, to, runId, COUNT],
  );
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const time = async (label: string, fn: () => Promise<unknown>) => {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const row = { query: label, p50: +percentile(samples, 50).toFixed(2), p95: +percentile(samples, 95).toFixed(2), max: +samples.at(-1)!.toFixed(2) };
  console.log(`${label.padEnd(58)} p50 ${String(row.p50).padStart(7)} ms   p95 ${String(row.p95).padStart(7)} ms   max ${String(row.max).padStart(7)} ms`);
  return row;
};

/** `total`: the records in the database (the deep pages are taken at half of them). */
const measure = async (db: Db, client: pg.Client, flows: string[], total: number) => {
  const deep = (await client.query<{ createdAt: Date; id: string }>(`SELECT "createdAt", id FROM "SyncRecord" ORDER BY "createdAt" DESC, id DESC OFFSET $1 LIMIT 1`, [Math.floor(total / 2)])).rows[0]!;
  const deepCursor = encodeRecordCursor(deep);
  const heldDeep = (await client.query<{ createdAt: Date; id: string }>(`SELECT "createdAt", id FROM "SyncRecord" WHERE status = 'held' ORDER BY "createdAt" DESC, id DESC OFFSET $1 LIMIT 1`, [Math.floor(total * 0.04)])).rows[0]!;
  const someNumber = (await client.query<{ naturalKey: string }>(`SELECT "naturalKey" FROM "SyncRecord" WHERE "objectType" = 'invoice' ORDER BY "createdAt" LIMIT 1 OFFSET $1`, [Math.floor(total / 8)])).rows[0]!.naturalKey;
  const someRef = (await client.query<{ targetRef: string }>(`SELECT "targetRef" FROM "SyncRecord" WHERE "targetRef" IS NOT NULL ORDER BY "createdAt" LIMIT 1 OFFSET $1`, [Math.floor(total / 3)])).rows[0]!.targetRef;
  const isoDay = (d: Date) => d.toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 30 * 86_400_000);
  const twoMonthsAgo = new Date(Date.now() - 60 * 86_400_000);
  const list = (filter: RecordFilter, cursor?: string) => () => listRecords({ db, filter, cursor, limit: 100 });
  console.log(`\nlistRecords (100 rows, via Prisma, ${RUNS} runs each after one warm-up):`);
  const rows = [
    await time("first page, no filter", list({})),
    await time(`deep page (cursor after row ${Math.floor(total / 2).toLocaleString("en-US")}), no filter`, list({}, deepCursor)),
    await time("first page, status=held", list({ status: "held" })),
    await time("deep page, status=held", list({ status: "held" }, encodeRecordCursor(heldDeep))),
    await time("first page, flow + status=failed", list({ flowId: flows[0], status: "failed" })),
    await time("first page, flow + status + objectType=invoice", list({ flowId: flows[0], status: "posted", objectType: "invoice" })),
    await time("first page, objectType=payment (no dedicated index)", list({ objectType: "payment" })),
    await time("first page, date range (30-60 days ago)", list({ from: twoMonthsAgo, to: monthAgo })),
    await time("deep page, flow + date range", list({ flowId: flows[1], from: twoMonthsAgo, to: monthAgo }, deepCursor)),
    await time(`document number prefix "${someNumber.slice(0, 9)}"`, list({ q: someNumber.slice(0, 9) })),
    await time(`search, any case, contains: "${someNumber.toLowerCase()}"`, list({ q: someNumber.toLowerCase() })),
    await time(`search, digits only: "${someNumber.replace(/^\D+/, "")}"`, list({ q: someNumber.replace(/^\D+/, "") })),
    await time(`search, target reference: "${someRef.toLowerCase()}"`, list({ q: someRef.toLowerCase() })),
    await time(`search, common part (matches ~1/4): "inv"`, list({ q: "inv" })),
    await time("amount exactly 1234.57", list({ amountMin: 1234.57, amountMax: 1234.57 })),
    await time("document date range (30 days) + amount 100-200", list({ documentFrom: isoDay(twoMonthsAgo), documentTo: isoDay(monthAgo), amountMin: 100, amountMax: 200 })),
    await time("counts per status, no filter", () => countRecordsByStatus({ db, filter: {} })),
    await time("counts per status, one flow", () => countRecordsByStatus({ db, filter: { flowId: flows[0] } })),
    await time("dashboard of one flow (counts, chart, holds, failures, billed vs posted)", () => getFlowDashboard({ db, flowId: flows[0]! })),
    await time("dashboard attention (failing connections, retrying records)", () => getDashboardAttention({ db, flowId: flows[0]!, scope: "flow" })),
  ];
  const explain = async (label: string, sql: string, params: unknown[]) => {
    const plan = (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params)).rows.map((r) => r["QUERY PLAN"]).join("\n");
    console.log(`\n-- EXPLAIN ${label}\n${plan}`);
  };
  const cols = `id, "flowId", "objectType", "sourceId", "naturalKey", status, "statusReason", amount, currency, "documentDate", "targetRef", attempts, "lastError", "createdAt", "updatedAt", "postedAt"`;
  await explain("first page, no filter", `SELECT ${cols} FROM "SyncRecord" ORDER BY "createdAt" DESC, id DESC LIMIT 101`, []);
  await explain("deep page, no filter", `SELECT ${cols} FROM "SyncRecord" WHERE "createdAt" <= $1 AND ("createdAt" < $1 OR ("createdAt" = $1 AND id < $2)) ORDER BY "createdAt" DESC, id DESC LIMIT 101`, [deep.createdAt, deep.id]);
  await explain("deep page, status=held", `SELECT ${cols} FROM "SyncRecord" WHERE status = 'held' AND "createdAt" <= $1 AND ("createdAt" < $1 OR ("createdAt" = $1 AND id < $2)) ORDER BY "createdAt" DESC, id DESC LIMIT 101`, [heldDeep.createdAt, heldDeep.id]);
  await explain("flow + status + objectType", `SELECT ${cols} FROM "SyncRecord" WHERE "flowId" = $1 AND status = 'posted' AND "objectType" = 'invoice' ORDER BY "createdAt" DESC, id DESC LIMIT 101`, [flows[0]]);
  await explain("document number prefix", `SELECT ${cols} FROM "SyncRecord" WHERE "naturalKey" LIKE $1 ORDER BY "createdAt" DESC, id DESC LIMIT 101`, [`${someNumber.slice(0, 9)}%`]);
  await explain(
    "search, contains, any case",
    `SELECT ${cols} FROM "SyncRecord" WHERE "naturalKey" ILIKE $1 OR "targetRef" ILIKE $1 OR "sourceId" ILIKE $1 ORDER BY "createdAt" DESC, id DESC LIMIT 101`,
    [`%${someNumber.toLowerCase()}%`],
  );
  await explain("counts per status", `SELECT status, count(*) FROM "SyncRecord" GROUP BY status`, []);
  return rows;
};

const main = async () => {
  let url = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!url) {
    const parent = await mkdtemp(path.join(os.tmpdir(), "mlc-seed-records-"));
    await chmod(parent, 0o755);
    const server = await startEmbeddedPostgres({ dataDir: path.join(parent, "pg"), port: await freePort(), password: randomBytes(12).toString("hex"), persistent: false });
    stop = server.stop;
    const admin = new pg.Client({ connectionString: server.connectionString() });
    await admin.connect();
    await admin.query("CREATE DATABASE mlc_seed_records");
    await admin.end();
    url = server.connectionString("mlc_seed_records");
    await migrate({ connectionString: url });
    console.log(`embedded Postgres in ${parent} (deleted at the end)`);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const db = createDb(url, { max: 4 });
  try {
    const flows = await ensureFlows(client);
    const runId = `seed-${randomUUID().slice(0, 8)}`;
    const t0 = performance.now();
    for (let from = 0; from < COUNT; from += BATCH) {
      const to = Math.min(COUNT, from + BATCH);
      await seedBatch(client, flows, from, to, runId);
      process.stdout.write(`\rseeded ${to.toLocaleString("en-US")} / ${COUNT.toLocaleString("en-US")} records (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    await client.query(`VACUUM ANALYZE "SyncRecord"`);
    await client.query(`VACUUM ANALYZE "RecordEvent"`);
    const { rows } = await client.query<{ records: string; events: string }>(`SELECT (SELECT count(*) FROM "SyncRecord") AS records, (SELECT count(*) FROM "RecordEvent") AS events`);
    console.log(`\nseeded in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${Number(rows[0]!.records).toLocaleString("en-US")} records, ${Number(rows[0]!.events).toLocaleString("en-US")} events in the database`);
    if (!args["no-measure"]) await measure(db, client, flows, Number(rows[0]!.records));
  } finally {
    await client.end();
    await db.$disconnect();
    await stop();
  }
};

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
