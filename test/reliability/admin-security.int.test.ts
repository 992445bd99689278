import http from "node:http";
import contentDisposition from "content-disposition";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createConnection } from "../../lib/connections/create-connection";
import { connectionFormSchema, type ConnectionForm } from "../../lib/connections/form-schemas";
import { getConnection } from "../../lib/connections/get-connection";
import { readConnectionSecrets } from "../../lib/connections/read-connection-secrets";
import { saveConnection } from "../../lib/connections/save-connection";
import { testConnection } from "../../lib/connections/test-connection";
import { AppError } from "../../lib/errors";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { createTestDb, type TestDb } from "../db";

/*
 * The admin's share of issue 16, on real parts (Postgres, the sandbox over HTTP, a listening "other
 * host"): stored secrets never follow a changed URL or tenant; a connection that receives callouts
 * cannot be saved without its signing secret; a viewer cannot make the app call the vendors to
 * refresh catalogues; the mapping export is named after its flow.
 *
 * The one seam (as in security.test.ts): next-auth's getServerSession answers the session the test
 * chooses; the user behind it is read from the real database.
 */

const session: { current: { user: { id: string; sessionVersion: number; authTime: number } } | null } = { current: null };
/** A session as next-auth's callbacks build it for a user who signed in just now (sessionVersion 0). */
const sessionOf = (id: string) => ({ user: { id, sessionVersion: 0, authTime: Math.floor(Date.now() / 1000) } });
vi.mock("next-auth/next", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  getServerSession: async () => session.current,
}));

/** A host an attacker controls: it answers 401 to everything and keeps what it was sent. */
type Trap = { url: string; hits: { path: string; headers: string; body: string }[]; close: () => Promise<void> };
const startTrap = async (): Promise<Trap> => {
  const hits: Trap["hits"] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      hits.push({ path: req.url ?? "", headers: JSON.stringify(req.headers), body });
      res.writeHead(401, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
};

const expectFieldError = async (promise: Promise<unknown>, field: string, message: RegExp) => {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected a field error on ${field}`).toBeInstanceOf(AppError);
  expect((err as AppError).fields?.[field]).toMatch(message);
};

let t: TestDb;
let sandbox: RunningSandbox;
let trap: Trap;
const g = globalThis as unknown as { mlConnectorDb?: unknown };

beforeAll(async () => {
  [t, sandbox, trap] = await Promise.all([createTestDb(), startSandbox({ port: 0 }), startTrap()]);
  g.mlConnectorDb = t.db;
});
afterAll(async () => {
  delete g.mlConnectorDb;
  await Promise.all([sandbox?.close(), t?.drop(), trap?.close()]);
});

const HMAC = "callout-signing-secret-51c9";
const zuoraForm = (over: Partial<ConnectionForm> = {}) =>
  connectionFormSchema.parse({
    vendor: "zuora",
    name: `Zuora ${Math.random().toString(36).slice(2, 7)}`,
    baseUrl: sandbox.credentials.zuora.baseUrl,
    settings: { "callout.headerName": "X-Zuora-Signature", "callout.algorithm": "SHA-256", "callout.encoding": "BASE64", "callout.signedData": "{{Request.Body}}" },
    secrets: { clientId: sandbox.credentials.zuora.clientId, clientSecret: sandbox.credentials.zuora.clientSecret, calloutHmacSecret: HMAC },
    ...over,
  } satisfies ConnectionForm);
const acumaticaForm = (over: Partial<ConnectionForm> = {}) => {
  const a = sandbox.credentials.acumatica;
  return connectionFormSchema.parse({
    vendor: "acumatica",
    name: `Acumatica ${Math.random().toString(36).slice(2, 7)}`,
    baseUrl: a.baseUrl,
    settings: { endpointVersion: "24.200.001", tenant: a.tenant },
    secrets: { clientId: a.clientId, clientSecret: a.clientSecret, username: a.username, password: a.password },
    ...over,
  } satisfies ConnectionForm);
};

describe("saved secrets never follow a changed URL or tenant", () => {
  it("Test connection with a saved connection's id, another host and blank secrets sends nothing there", async () => {
    const saved = await saveConnection({ db: t.db, form: zuoraForm() });
    const moved = zuoraForm({ id: saved.id, name: saved.name, baseUrl: trap.url, secrets: {} });
    await expectFieldError(testConnection({ db: t.db, form: moved }), "secrets.clientSecret", /again: the tenant URL changed/);
    expect(trap.hits).toEqual([]);
  });

  it("Save with another host and blank secrets is refused, so no later sync can send them there", async () => {
    const saved = await saveConnection({ db: t.db, form: zuoraForm() });
    await expectFieldError(saveConnection({ db: t.db, form: zuoraForm({ id: saved.id, name: saved.name, baseUrl: trap.url, secrets: {} }) }), "secrets.clientId", /again/);
    expect((await getConnection({ db: t.db, connectionId: saved.id })).baseUrl).toBe(sandbox.credentials.zuora.baseUrl);
    expect(trap.hits).toEqual([]);
  });

  it("an Acumatica tenant change needs the secrets again, and a password entered for the new host is the only one stored", async () => {
    const saved = await saveConnection({ db: t.db, form: acumaticaForm() });
    const other = acumaticaForm({ id: saved.id, name: saved.name, settings: { endpointVersion: "24.200.001", tenant: "OtherCompany" }, secrets: {} });
    await expectFieldError(testConnection({ db: t.db, form: other }), "secrets.password", /again: the tenant \(company\) changed/);
    await expectFieldError(saveConnection({ db: t.db, form: other }), "secrets.password", /again/);

    // The URL changes with every secret entered again: accepted, and only what was entered is kept.
    const entered = { clientId: "new-client", clientSecret: "new-secret", username: "new-user", password: "new-password" };
    await saveConnection({ db: t.db, form: acumaticaForm({ id: saved.id, name: saved.name, baseUrl: trap.url, secrets: entered }) });
    expect(await readConnectionSecrets({ db: t.db, connectionId: saved.id })).toEqual(entered);
  });

  it("blank secrets still keep the stored ones when neither URL nor tenant changes", async () => {
    const saved = await saveConnection({ db: t.db, form: zuoraForm() });
    const result = await testConnection({ db: t.db, form: zuoraForm({ id: saved.id, name: saved.name, secrets: {} }) });
    expect(result.ok).toBe(true);
    expect(result.isStored).toBe(true);
  });
});

describe("a connection that receives callouts has a signing secret", () => {
  it("refuses to save a Zuora connection without one, naming the field", async () => {
    const { clientId, clientSecret } = sandbox.credentials.zuora;
    await expectFieldError(saveConnection({ db: t.db, form: zuoraForm({ secrets: { clientId, clientSecret } }) }), "secrets.calloutHmacSecret", /Enter the callout HMAC secret/);
  });
});

describe("mapping routes", () => {
  type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  let flowId = "";
  let adminId = "";
  let viewerId = "";

  beforeAll(async () => {
    const conn = (vendor: "zuora" | "acumatica") =>
      createConnection({ db: t.db, input: { vendor, name: `${vendor} at the trap ${Math.random()}`, baseUrl: trap.url, secrets: { clientId: "c", clientSecret: "s", username: "u", password: "p" } } });
    const [source, target] = [await conn("zuora"), await conn("acumatica")];
    flowId = (await t.db.flow.create({ data: { kind: "zuora-acumatica", name: '=Zuora → Acumatica / EU: "main"', sourceConnectionId: source.id, targetConnectionId: target.id } })).id;
    await t.db.valueMap.create({ data: { flowId, kind: "customer", sourceKey: "A1", sourceLabel: "=cmd|' /C calc'!A0", targetValue: "C1" } });
    adminId = (await t.db.user.create({ data: { email: "admin@admin-sec.test", name: "Admin", role: "admin", passwordHash: "x" } })).id;
    viewerId = (await t.db.user.create({ data: { email: "viewer@admin-sec.test", name: "Viewer", role: "viewer", passwordHash: "x" } })).id;
  });

  it("lets only an admin refresh the catalogues from the vendors", async () => {
    const { GET } = (await import("../../app/api/mappings/[flowId]/board/route")) as { GET: Handler };
    const board = (query: string) => GET(new Request(`http://127.0.0.1/api/mappings/${flowId}/board?${query}`), { params: Promise.resolve({ flowId }) });
    session.current = sessionOf(viewerId);
    expect((await board("kind=customer")).status).toBe(200);
    const before = trap.hits.length;
    const refused = await board("kind=customer&refresh=1");
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/Only an admin/);
    expect(trap.hits.length).toBe(before);

    session.current = sessionOf(adminId);
    expect((await board("kind=customer&refresh=1")).status).toBe(200);
    expect(trap.hits.length).toBeGreaterThan(before);
  });

  it("exports a file named after the flow, the kind and the day, with formula cells neutralised", async () => {
    const { GET } = (await import("../../app/api/mappings/[flowId]/export/route")) as { GET: Handler };
    session.current = sessionOf(viewerId);
    const res = await GET(new Request(`http://127.0.0.1/api/mappings/${flowId}/export?kind=customer`), { params: Promise.resolve({ flowId }) });
    expect(res.status).toBe(200);
    const disposition = contentDisposition.parse(res.headers.get("content-disposition") ?? "");
    expect(disposition).toEqual({ type: "attachment", parameters: { filename: `=Zuora to Acumatica EU main - customer mappings - ${new Date().toISOString().slice(0, 10)}.csv` } });
    expect(await res.text()).toContain(`'=cmd|' /C calc'!A0`);
  });
});
