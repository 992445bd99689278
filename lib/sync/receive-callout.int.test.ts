import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { createConnection } from "../connections/create-connection";
import { signCallout, zuora } from "../connectors/zuora";
import { encryptJson } from "../crypto";
import { calloutIntakePoolOf } from "./callout-intake-pool";
import { receiveCallout } from "./receive-callout";
import { CalloutEventWriter, recordStatementOn } from "./record-callout-events";

/*
 * The webhook intake's own guarantees, against a real Postgres: callouts arriving together share a
 * statement yet each is recorded and queued exactly once; the per-process connection cache never
 * lets a stale secret accept or refuse a callout; a callout Postgres refuses fails alone. Each holds
 * with the statement sent by Prisma and as the route sends it: prepared, on the intake's own pool.
 */

const SECRET = "receive-callout-secret-1";
/** Zuora's expected answer to a callout */
const ZUORA_ACK = { status: 200, body: { success: true } };

describe.each([
  { mode: "through Prisma", prepared: false },
  { mode: "prepared on the intake pool", prepared: true },
])("receiveCallout, its statement $mode", ({ prepared }) => {
  let t: TestDb;
  let connectionId: string;
  /** the writer's statement, run as receiveCallout runs it */
  const statement = () => recordStatementOn(prepared ? { pool: calloutIntakePoolOf(t.db) } : { db: t.db });

  const body = (n: number | string) => Buffer.from(JSON.stringify({ EventType: "InvoicePosted", InvoiceId: `inv-${n}` }));
  const signed = (rawBody: Buffer, notificationId: string, secret = SECRET) => {
    const sig = signCallout({ rawBody, settings: {}, secret });
    return new Headers({ "content-type": "application/json", "Zuora-Notification-Id": notificationId, [sig.name]: sig.value });
  };
  const send = (n: number | string, notificationId: string, secret = SECRET, id = connectionId) => {
    const rawBody = body(n);
    return receiveCallout({ db: t.db, pool: prepared ? calloutIntakePoolOf(t.db) : undefined, connectionId: id, rawBody, headers: signed(rawBody, notificationId, secret) });
  };
  const counts = async () => {
    const [row] = await t.db.$queryRaw<{ events: bigint; jobs: bigint }[]>`
      SELECT (SELECT count(*) FROM "InboundEvent") AS events,
             (SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'process-callout') AS jobs`;
    return { events: Number(row!.events), jobs: Number(row!.jobs) };
  };
  const rotate = async (id: string, secret: string) =>
    t.db.connection.update({ where: { id }, data: { credentials: encryptJson({ clientId: "c", clientSecret: "s", calloutHmacSecret: secret }, { context: id }) } });

  beforeAll(async () => {
    t = await createTestDb();
    vi.spyOn(console, "warn").mockImplementation(() => {});
    connectionId = (
      await createConnection({
        db: t.db,
        input: { vendor: "zuora", name: "zuora", baseUrl: "https://zuora.example.com", secrets: { clientId: "c", clientSecret: "s", calloutHmacSecret: SECRET } },
      })
    ).id;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.drop();
  });

  it("records 200 concurrent callouts (40 of them delivered twice at once) once each, each with its own job", async () => {
    const ids = Array.from({ length: 200 }, (_, i) => i);
    const deliveries = [...ids, ...ids.slice(0, 40)].map((i) => () => send(i, `burst-${i}`));
    const results = await Promise.all(deliveries.map((d) => d()));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.reduce((sum, r) => sum + (r.status === 200 ? r.accepted : 0), 0)).toBe(200);
    expect(results.reduce((sum, r) => sum + (r.status === 200 ? r.duplicates : 0), 0)).toBe(40);
    expect(await counts()).toEqual({ events: 200, jobs: 200 });

    // each row's job: process-callout, keyed by the row, its id as payload, the spec's attempts
    const jobs = await t.db.$queryRaw<{ key: string; payload: { inboundEventId: string }; max_attempts: number; id: string; vendorEventId: string }[]>`
      SELECT j.key, j.payload, j.max_attempts, e.id, e."vendorEventId"
      FROM "InboundEvent" e LEFT JOIN graphile_worker._private_jobs j ON j.key = 'callout:' || e.id`;
    expect(jobs).toHaveLength(200);
    for (const j of jobs) expect(j).toMatchObject({ key: `callout:${j.id}`, payload: { inboundEventId: j.id }, max_attempts: 10 });
    const event = await t.db.inboundEvent.findFirstOrThrow({ where: { vendorEventId: "burst-7" } });
    expect(event).toMatchObject({ connectionId, eventType: "InvoicePosted", objectType: "invoice", objectId: "inv-7", payload: { EventType: "InvoicePosted", InvoiceId: "inv-7" } });

    // a later redelivery is a duplicate: answered, nothing added
    expect(await send(7, "burst-7")).toEqual({ status: 200, accepted: 0, duplicates: 1, ack: ZUORA_ACK });
    expect(await counts()).toEqual({ events: 200, jobs: 200 });
  });

  it("follows a rotated secret at once: the new signature is accepted, the old one refused", async () => {
    expect(await send("r0", "rot-0")).toMatchObject({ status: 200, accepted: 1 }); // the connection is cached now
    await rotate(connectionId, "rotated-secret-2");
    expect(await send("r1", "rot-1", "rotated-secret-2")).toEqual({ status: 200, accepted: 1, duplicates: 0, ack: ZUORA_ACK });
    expect(await send("r2", "rot-2", SECRET)).toEqual({ status: 401 });
    expect(await t.db.inboundEvent.count({ where: { vendorEventId: "rot-2" } })).toBe(0);
    await rotate(connectionId, SECRET);
  });

  it("stores nothing for a callout verified against a connection row that has changed since, and 404s once the connection is gone", async () => {
    const before = await counts();
    const writer = new CalloutEventWriter(statement());
    const event = { vendorEventId: "stale-1", eventType: "InvoicePosted", objectType: "invoice", objectId: "inv-s", payload: {} };
    expect(await writer.record({ connectionId, connectionUpdatedAt: new Date(0), events: [event] })).toEqual({ status: "stale" });
    expect(await counts()).toEqual(before);

    const other = await createConnection({
      db: t.db,
      input: { vendor: "zuora", name: "doomed", baseUrl: "https://zuora.example.com", secrets: { clientId: "c", clientSecret: "s", calloutHmacSecret: SECRET } },
    });
    expect(await send("d0", "doomed-0", SECRET, other.id)).toMatchObject({ status: 200, accepted: 1 }); // cached
    await t.db.connection.delete({ where: { id: other.id } });
    expect(await send("d1", "doomed-1", SECRET, other.id)).toEqual({ status: 404 });
    expect(await t.db.inboundEvent.count({ where: { connectionId: other.id } })).toBe(0);
  });

  it("fails only the callout Postgres refuses when it shares a statement with others", async () => {
    const before = await counts();
    const writer = new CalloutEventWriter(statement(), 1);
    const event = (id: string, payload: unknown) => ({ vendorEventId: id, eventType: "InvoicePosted", objectType: "invoice", objectId: id, payload });
    const { updatedAt } = await t.db.connection.findUniqueOrThrow({ where: { id: connectionId } });
    const record = (id: string, on = connectionId) => writer.record({ connectionId: on, connectionUpdatedAt: updatedAt, events: [event(id, {})] });
    // the first goes alone; the next four wait for it and share one statement, which Postgres refuses (a connection id that is no uuid)
    const results = await Promise.allSettled([record("p-0"), record("p-1"), record("p-2", "not-a-uuid"), record("p-3"), record("p-4")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(await counts()).toEqual({ events: before.events + 4, jobs: before.jobs + 4 });
  });

  it("binds the Zuora verifier once per connection version: not per callout, and again after the connection changes", async () => {
    const prepare = vi.spyOn(zuora.webhooks, "prepare");
    try {
      await t.db.connection.update({ where: { id: connectionId }, data: { name: "zuora (renamed)" } }); // a new row version
      expect(await send("v-first", "version-1-first")).toMatchObject({ status: 200, accepted: 1 }); // found stale, read again, bound
      const first = await Promise.all(Array.from({ length: 30 }, (_, i) => send(`v${i}`, `version-1-${i}`)));
      expect(first.every((r) => r.status === 200)).toBe(true);
      expect(prepare).toHaveBeenCalledTimes(1);
      // settings edited: the new header is read at once, the old one no longer
      await t.db.connection.update({ where: { id: connectionId }, data: { settings: { callout: { headerName: "X-Signed-By-Zuora" } } } });
      const rawBody = body("hdr");
      const sig = signCallout({ rawBody, settings: { headerName: "X-Signed-By-Zuora" }, secret: SECRET });
      expect(sig.name).toBe("X-Signed-By-Zuora");
      const withHeader = (name: string) => new Headers({ "Zuora-Notification-Id": `hdr-${name}`, [name]: sig.value });
      const receive = (headers: Headers) => receiveCallout({ db: t.db, pool: prepared ? calloutIntakePoolOf(t.db) : undefined, connectionId, rawBody, headers });
      expect(await receive(withHeader("X-Zuora-Signature"))).toEqual({ status: 401 });
      expect(await receive(withHeader("X-Signed-By-Zuora"))).toMatchObject({ status: 200, accepted: 1 });
      expect(await Promise.all(Array.from({ length: 10 }, () => receive(withHeader("X-Signed-By-Zuora"))))).toEqual(Array(10).fill({ status: 200, accepted: 0, duplicates: 1, ack: ZUORA_ACK }));
      expect(prepare).toHaveBeenCalledTimes(2);
    } finally {
      prepare.mockRestore();
      await t.db.connection.update({ where: { id: connectionId }, data: { settings: {} } });
    }
  });

  it("refuses a callout with a NUL character alone, before its statement: those waiting with it are recorded", async () => {
    const before = await counts();
    const writer = new CalloutEventWriter(statement(), 1);
    const { updatedAt } = await t.db.connection.findUniqueOrThrow({ where: { id: connectionId } });
    const record = (id: string, payload: unknown) =>
      writer.record({ connectionId, connectionUpdatedAt: updatedAt, events: [{ vendorEventId: id, eventType: "InvoicePosted", objectType: "invoice", objectId: id, payload }] });
    const results = await Promise.all([record("n-0", {}), record("n-1", {}), record("n-2", { bad: "inv-\u0000" }), record("n-3", { fine: "\\u0000" }), record("n-4", {})]);
    expect(results.map((r) => r.status)).toEqual(["recorded", "recorded", "refused", "recorded", "recorded"]);
    expect(results[2]).toEqual({ status: "refused", reason: expect.stringContaining("NUL") });
    expect(await counts()).toEqual({ events: before.events + 4, jobs: before.jobs + 4 });
    expect((await t.db.inboundEvent.findFirstOrThrow({ where: { vendorEventId: "n-3" } })).payload).toEqual({ fine: "\\u0000" });
  });

  it("answers 400 to a signed callout with a NUL character and stores nothing (never a 5xx)", async () => {
    const before = await counts();
    const rawBody = Buffer.from(JSON.stringify({ EventType: "InvoicePosted", InvoiceId: "inv-\u0000" }));
    const result = await receiveCallout({ db: t.db, pool: prepared ? calloutIntakePoolOf(t.db) : undefined, connectionId, rawBody, headers: signed(rawBody, "nul-1") });
    expect(result).toEqual({ status: 400, reason: expect.stringContaining("NUL") });
    expect(await counts()).toEqual(before);
    // the six characters \u0000 as text are fine
    const text = Buffer.from(JSON.stringify({ EventType: "InvoicePosted", InvoiceId: "inv-\\u0000" }));
    expect(await receiveCallout({ db: t.db, pool: prepared ? calloutIntakePoolOf(t.db) : undefined, connectionId, rawBody: text, headers: signed(text, "nul-2") })).toMatchObject({ status: 200, accepted: 1 });
  });

});
