// What a SyncRecord's claim and settle cost the Postgres backend that runs them, per index set and lease
// layout (bench/README.md, "Postgres per record, statement by statement"):
//   npx tsx scripts/measure-record-writes.ts                          # old,new,new+lease,old+lease,pkey-only, 6 rounds
//   VARIANTS=new,new-ff60,new-ff80 ROUNDS=6 npx tsx scripts/measure-record-writes.ts
// Each variant is a copy of "SyncRecord" (columns as the migrations made them) with its own indexes; each
// round ingests 600 rows into every variant (pages of 100, not measured), then claims and settles each row
// in its own statements as the engine does (prepared, autocommit), alternating the variants' order. The
// figure is the backend's own CPU time from /proc (10 ms ticks, hence the rounds), not the wall clock.
import { readFileSync } from "node:fs";
import pg from "pg";
import { migrate } from "../lib/db/migrate";
import { freePort, startEmbeddedPostgres } from "./embedded-postgres";

const BASE_INDEXES = (t: string) => [
  `CREATE UNIQUE INDEX ON ${t} ("flowId", "objectType", "sourceId")`,
  `CREATE INDEX ON ${t} ("createdAt" DESC, id DESC)`,
  `CREATE INDEX ON ${t} ("flowId", "createdAt" DESC, id DESC)`,
  `CREATE INDEX ON ${t} (status, "createdAt" DESC, id DESC)`,
  `CREATE INDEX ON ${t} ("flowId", status, "createdAt" DESC, id DESC)`,
  `CREATE INDEX ON ${t} ("documentDate", amount)`,
  `CREATE INDEX ON ${t} (amount)`,
  `CREATE INDEX ON ${t} ("flowId", "documentDate", "objectType", currency, status, amount) WHERE amount IS NOT NULL`,
  `CREATE INDEX ON ${t} ("flowId", status, "updatedAt" DESC) WHERE (status = 'pending' AND "lastError" IS NOT NULL) OR (status = 'failed' AND "statusReason" = 'retries-exhausted')`,
  `CREATE INDEX ON ${t} ("flowId", "updatedAt" DESC) WHERE status = 'failed'`,
  `CREATE INDEX ON ${t} ("flowId", "postedAt" DESC) WHERE "postedAt" IS NOT NULL`,
];
const OLD = (t: string) => [
  ...BASE_INDEXES(t),
  `CREATE INDEX ON ${t} ("flowId", "objectType", "targetId")`,
  `CREATE INDEX ON ${t} USING GIN ("naturalKey" gin_trgm_ops)`,
  `CREATE INDEX ON ${t} USING GIN ("targetRef" gin_trgm_ops)`,
  `CREATE INDEX ON ${t} USING GIN ("sourceId" gin_trgm_ops)`,
];
const NEW = (t: string) => [
  ...BASE_INDEXES(t),
  `CREATE INDEX ON ${t} ("flowId", "objectType", "targetId") WHERE "targetId" IS NOT NULL`,
  `CREATE INDEX ON ${t} USING GIN ("naturalKey" gin_trgm_ops, "targetRef" gin_trgm_ops, "sourceId" gin_trgm_ops)`,
];
const NONE = (t: string) => [`CREATE UNIQUE INDEX ON ${t} ("flowId", "objectType", "sourceId")`];

type Variant = { name: string; indexes: (t: string) => string[]; lease: boolean; fillfactor?: number };
const ALL: Variant[] = [
  { name: "old", indexes: OLD, lease: false },
  { name: "new", indexes: NEW, lease: false },
  { name: "new+lease", indexes: NEW, lease: true },
  { name: "old+lease", indexes: OLD, lease: true },
  { name: "pkey-only", indexes: NONE, lease: false },
  { name: "new-ff60", indexes: NEW, lease: false, fillfactor: 60 },
  { name: "new-ff80", indexes: NEW, lease: false, fillfactor: 80 },
];
const variants = ALL.filter((v) => (process.env.VARIANTS ?? "old,new,new+lease,old+lease,pkey-only").split(",").includes(v.name));

const cpuOf = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * 10; // ms (100 Hz)
};

const main = async () => {
  const pgs = await startEmbeddedPostgres({ dataDir: `/tmp/s27/pg-${process.pid}`, port: await freePort(), password: "x", persistent: false });
  const url = pgs.connectionString("postgres");
  await migrate({ connectionString: url });
  const t = { url, drop: () => pgs.stop() };
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  const pid = (await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
  const flowId = (await c.query<{ id: string }>("SELECT gen_random_uuid()::text AS id")).rows[0]!.id;
  for (const v of variants) {
    const tb = `"sr_${v.name.replace(/\W/g, "_")}"`;
    await c.query(`CREATE TABLE ${tb} (LIKE "SyncRecord" INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (id))`);
    for (const s of v.indexes(tb)) await c.query(s);
    if (v.fillfactor) await c.query(`ALTER TABLE ${tb} SET (fillfactor = ${v.fillfactor})`);
    if (v.lease) await c.query(`CREATE TABLE ${tb.slice(0, -1)}_lease" ("recordId" uuid PRIMARY KEY, owner text NOT NULL, until timestamptz(3) NOT NULL, attempts int NOT NULL)`);
  }
  const payload = (i: number) =>
    JSON.stringify({ Id: `8a8aa0${i}`, InvoiceNumber: `INV-${100000 + i}`, AccountId: `acc${i % 300}`, Amount: i * 1.5, Balance: 0, Status: "Posted", InvoiceDate: "2026-11-01",
      lines: Array.from({ length: 3 }, (_, k) => ({ id: `l${i}-${k}`, chargeName: `Charge ${k}`, amount: 10 * k, serviceStart: "2026-11-01", serviceEnd: "2026-11-30", taxAmount: 0.5 })),
      notes: "x".repeat(300) });
  const totals = new Map<string, { cpu: number; ms: number; n: number }>();
  const ROUNDS = Number(process.env.ROUNDS ?? 6);
  const N = 600;
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of round % 2 ? [...variants].reverse() : variants) {
      const tb = `"sr_${v.name.replace(/\W/g, "_")}"`;
      const lease = `${tb.slice(0, -1)}_lease"`;
      const base = round * N;
      // ingest: pages of 100 (not measured)
      const ids: string[] = [];
      for (let p = 0; p < N; p += 100) {
        const rows = Array.from({ length: 100 }, (_, k) => base + p + k);
        const r = await c.query<{ id: string }>(
          `INSERT INTO ${tb} ("flowId", "objectType", "sourceId", "naturalKey", "sourceVersion", status, amount, currency, "documentDate", "sourcePayload", "sourceSeenDigest", "lookUpFirst")
           SELECT $1::uuid, 'invoice', '8a8aa0' || i, 'INV-' || (100000 + i), '2026-11-01T00:00:00Z', 'pending', i * 1.5, 'USD', date '2026-11-01' + (i % 30), p::jsonb, md5(p), false
           FROM unnest($2::int[], $3::text[]) AS x(i, p) RETURNING id`,
          [flowId, rows, rows.map(payload)],
        );
        ids.push(...r.rows.map((x) => x.id));
      }
      const cpu0 = cpuOf(pid);
      const t0 = performance.now();
      for (const [k, id] of ids.entries()) {
        if (v.lease) {
          await c.query({ name: `claim-${v.name}`, text:
            `WITH cur AS (SELECT r.id, r.status, l.owner, l.until, COALESCE(l.attempts, r.attempts) AS attempts FROM ${tb} r LEFT JOIN ${lease} l ON l."recordId" = r.id WHERE r.id = $1::uuid FOR UPDATE OF r)
             INSERT INTO ${lease} ("recordId", owner, until, attempts) SELECT id, $2, now() + interval '60 s', attempts + 1 FROM cur WHERE status = 'pending'
             ON CONFLICT ("recordId") DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until, attempts = ${lease}.attempts + 1 WHERE ${lease}.until <= now() RETURNING attempts`,
            values: [id, "job:x:1"] });
          await c.query({ name: `settle-${v.name}`, text:
            `WITH held AS (SELECT attempts FROM ${lease} WHERE "recordId" = $1::uuid AND owner = $2),
             u AS (UPDATE ${tb} SET attempts = (SELECT attempts FROM held), status = 'posted', "updatedAt" = now(), "postedAt" = now(), "targetId" = $3, "targetRef" = $4, "mappedPayload" = $5::jsonb, "lookUpFirst" = false
                   WHERE id = $1::uuid AND status = 'pending' AND EXISTS (SELECT 1 FROM held) RETURNING id),
             d AS (DELETE FROM ${lease} WHERE "recordId" IN (SELECT id FROM u))
             SELECT count(*) FROM u`,
            values: [id, "job:x:1", `T-${k}`, `AR${k}`, payload(k)] });
        } else {
          await c.query({ name: `claim-${v.name}`, text:
            `WITH cur AS (SELECT id, status FROM ${tb} WHERE id = $1::uuid FOR UPDATE)
             UPDATE ${tb} r SET attempts = r.attempts + 1, "leaseOwner" = $2, "leaseUntil" = now() + interval '60 s', "lookUpFirst" = true FROM cur WHERE r.id = cur.id AND cur.status = 'pending' RETURNING r.attempts`,
            values: [id, "job:x:1"] });
          await c.query({ name: `settle-${v.name}`, text:
            `UPDATE ${tb} SET status = 'posted', "leaseOwner" = NULL, "leaseUntil" = NULL, "updatedAt" = now(), "postedAt" = now(), "targetId" = $3, "targetRef" = $4, "mappedPayload" = $5::jsonb, "lookUpFirst" = false
             WHERE id = $1::uuid AND "leaseOwner" = $2 AND status = 'pending'`,
            values: [id, "job:x:1", `T-${k}`, `AR${k}`, payload(k)] });
        }
      }
      const ms = performance.now() - t0;
      const cpu = cpuOf(pid) - cpu0;
      const tot = totals.get(v.name) ?? { cpu: 0, ms: 0, n: 0 };
      totals.set(v.name, { cpu: tot.cpu + cpu, ms: tot.ms + ms, n: tot.n + N });
      console.log(`round ${round} ${v.name.padEnd(10)} backend cpu ${((cpu / N) * 1000).toFixed(0)} us/record, wall ${((ms / N) * 1000).toFixed(0)} us/record`);
    }
  }
  const hot = await c.query(`SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname LIKE 'sr_%'`);
  console.log(hot.rows);
  console.log("\nper record (claim + settle), all rounds:");
  for (const [name, x] of totals) console.log(`${name.padEnd(10)} backend cpu ${((x.cpu / x.n) * 1000).toFixed(0)} us  wall ${((x.ms / x.n) * 1000).toFixed(0)} us`);
  const sizes = await c.query(`SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) s FROM pg_class WHERE relname LIKE 'sr_%' AND relkind = 'r'`);
  console.log(sizes.rows);
  await c.end();
  await t.drop();
};
void main();
