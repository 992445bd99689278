import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { syncFlowNow } from "../../lib/sync/sync-flow-now";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { BENCH_CALLOUT_SECRET, createSandboxFlow, root, spawnWorker, waitForSync, type WorkerProcess } from "../../bench/lib/stack";
import { createTestDb, type TestDb } from "../db";

/*
 * Security proofs on real parts: after a real sync (worker process, sandbox over HTTP), the seeded
 * credentials appear nowhere in plaintext (any table, worker output, audit records, API answers);
 * every API route but the public ones refuses a request without a session; every server action in
 * lib/actions refuses a viewer (except changing one's own password).
 *
 * The one seam: next-auth's getServerSession (it needs a Next.js request scope) answers the session
 * the test chooses; the user behind it is then read from the real database, as in production.
 */

const session: { current: { user: { id: string; sessionVersion: number; authTime: number } } | null } = { current: null };
/** A session as next-auth's callbacks build it for a user who signed in just now (sessionVersion 0). */
const sessionOf = (id: string) => ({ user: { id, sessionVersion: 0, authTime: Math.floor(Date.now() / 1000) } });
vi.mock("next-auth/next", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  getServerSession: async () => session.current,
}));

const PUBLIC_ROUTES = new Set(["app/api/auth/[...nextauth]/route.ts", "app/api/health/route.ts"]);
/** Actions a viewer may run: only changing their own password. */
const VIEWER_ACTIONS = new Set(["changePasswordAction"]);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

const listFiles = (dir: string, match: (f: string) => boolean): string[] =>
  readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(root, rel)).isDirectory() ? listFiles(rel, match) : match(rel) ? [rel] : [];
  });

/** Params of a dynamic route: every [segment] gets a uuid (valid shape, unknown row). */
const paramsOf = (file: string) =>
  Object.fromEntries([...file.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((m) => [m[1]!, "00000000-0000-4000-8000-000000000001"]));

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

describe("security", () => {
  let t: TestDb;
  let sandbox: RunningSandbox;
  let worker: WorkerProcess;
  let flowId: string;
  let adminId: string;
  let viewerId: string;
  const g = globalThis as unknown as { mlConnectorDb?: unknown };
  let secrets: string[];
  const apiAnswers: string[] = [];

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0, demo: { accounts: 8, existingCustomerRate: 0.5 } })]);
    g.mlConnectorDb = t.db;
    const z = sandbox.credentials.zuora;
    const a = sandbox.credentials.acumatica;
    secrets = [z.clientSecret, a.clientSecret, a.password, BENCH_CALLOUT_SECRET].filter((s) => typeof s === "string" && s.length >= 6);
    ({ flowId } = await createSandboxFlow({ db: t.db, sandbox, acumaticaLimits: { requestsPerMinute: 60_000, maxConcurrent: 8 } }));
    adminId = (await t.db.user.create({ data: { email: "admin@sec.test", name: "Admin", role: "admin", passwordHash: "x" } })).id;
    viewerId = (await t.db.user.create({ data: { email: "viewer@sec.test", name: "Viewer", role: "viewer", passwordHash: "x" } })).id;
    worker = spawnWorker({ databaseUrl: t.url, concurrency: 4, env: { LOG_LEVEL: "debug" } });
    const run = await sandbox.control.zuora.billRun({ invoices: 12, seed: 3 });
    await syncFlowNow({ db: t.db, flowId });
    await waitForSync({ db: t.db, flowId, timeoutMs: 120_000, done: (c) => c["invoice/posted"] === 12 && (c["payment/posted"] ?? 0) === run.payments.length });
  }, 180_000);
  afterAll(async () => {
    await worker?.kill("SIGTERM");
    delete g.mlConnectorDb;
    await Promise.all([sandbox?.close(), t?.drop()]);
  });

  it("has the seeded secrets to look for", () => {
    expect(secrets.length).toBeGreaterThanOrEqual(3);
  });

  it("keeps every credential out of the database in plaintext (every table, every column)", async () => {
    const tables = await t.db.$queryRaw<{ schema: string; name: string }[]>`
      SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_schema IN ('public', 'graphile_worker') AND table_type = 'BASE TABLE'`;
    expect(tables.length).toBeGreaterThan(10);
    let rows = 0;
    for (const { schema, name } of tables) {
      const dump = await t.db.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(x)::text AS row FROM "${schema}"."${name}" x`);
      rows += dump.length;
      for (const s of secrets) expect(dump.filter((d) => d.row.includes(s)).map((d) => `${schema}.${name}: ${d.row.slice(0, 120)}`)).toEqual([]);
    }
    expect(rows).toBeGreaterThan(100); // the sync wrote records, events, tokens
    // the audit trail is there and holds vendor exchanges
    expect(await t.db.recordEvent.count()).toBeGreaterThan(50);
  });

  it("keeps every credential out of the worker's output (debug level)", () => {
    const out = worker.output();
    expect(out.length).toBeGreaterThan(0);
    for (const s of secrets) expect(out.includes(s), `secret found in worker output`).toBe(false);
  });

  it("answers 401 on every API route without a session, except the public ones", async () => {
    session.current = null;
    const routes = listFiles("app/api", (f) => f.endsWith("route.ts"));
    expect(routes.length).toBeGreaterThanOrEqual(8);
    const checked: string[] = [];
    for (const file of routes.filter((f) => !PUBLIC_ROUTES.has(f))) {
      const mod = (await import(path.join(root, file))) as Partial<Record<(typeof METHODS)[number], Handler>>;
      for (const method of METHODS) {
        const handler = mod[method];
        if (!handler) continue;
        const res = await handler(new Request(`http://127.0.0.1/${file}`, { method, ...(method === "GET" ? {} : { body: "{}", headers: { "content-type": "application/json" } }) }), {
          params: Promise.resolve(paramsOf(file)),
        });
        checked.push(`${method} ${file} -> ${res.status}`);
        expect(res.status, `${method} ${file}`).toBe(401);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(8);
    // The one Pages Router API route is the public webhook intake (authenticated by the vendor's signature):
    // any other route there would escape the check above.
    expect(listFiles("pages", (f) => /\.tsx?$/.test(f))).toEqual([path.join("pages", "api", "webhooks", "[vendor]", "[connectionId].ts")]);
  });

  it("answers every GET route for an admin without a credential in the body", async () => {
    session.current = sessionOf(adminId);
    const routes = listFiles("app/api", (f) => f.endsWith("route.ts")).filter((f) => !PUBLIC_ROUTES.has(f));
    const connections = await t.db.connection.findMany({ select: { id: true } });
    const record = await t.db.syncRecord.findFirst({ where: { flowId }, select: { id: true } });
    let ok = 0;
    for (const file of routes) {
      const mod = (await import(path.join(root, file))) as Partial<Record<"GET", Handler>>;
      if (!mod.GET) continue;
      const params = Object.fromEntries(
        Object.keys(paramsOf(file)).map((k) => [k, k === "flowId" ? flowId : k === "connectionId" ? connections[0]!.id : k === "recordId" ? record!.id : "x"]),
      );
      const res = await mod.GET(new Request(`http://127.0.0.1/${file}?flowId=${flowId}`), { params: Promise.resolve(params) });
      const text = await res.text();
      apiAnswers.push(text);
      if (res.status === 200) ok += 1;
      for (const s of secrets) expect(text.includes(s), `${file} answered a secret`).toBe(false);
    }
    expect(ok).toBeGreaterThanOrEqual(3);
  });

  it("refuses a viewer every server action that changes something; an admin passes the role check", async () => {
    const files = listFiles("lib/actions", (f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith("authed-action.ts"));
    const actions: [string, (input: unknown) => Promise<{ ok: boolean; error?: { code: string } }>][] = [];
    for (const file of files) {
      const mod = (await import(path.join(root, file))) as Record<string, unknown>;
      for (const [name, fn] of Object.entries(mod)) if (typeof fn === "function" && name.endsWith("Action")) actions.push([name, fn as never]);
    }
    expect(actions.length).toBeGreaterThanOrEqual(10);
    const counts = { before: await t.db.valueMap.count(), users: await t.db.user.count(), connections: await t.db.connection.count() };
    for (const [name, action] of actions) {
      session.current = null;
      expect((await action({})).error?.code, `${name} without a session`).toBe("UNAUTHENTICATED");
      if (VIEWER_ACTIONS.has(name)) continue;
      session.current = sessionOf(viewerId);
      expect((await action({})).error?.code, `${name} as a viewer`).toBe("FORBIDDEN");
      session.current = sessionOf(adminId);
      // junk input: an admin gets past the role check and is stopped by validation
      expect((await action({})).error?.code, `${name} as an admin`).not.toMatch(/FORBIDDEN|UNAUTHENTICATED/);
    }
    expect({ before: await t.db.valueMap.count(), users: await t.db.user.count(), connections: await t.db.connection.count() }).toEqual(counts);
  });
});
