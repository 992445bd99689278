import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { SUBSCRIPTION_EVENT_RECORD } from "./demo";
import { envelopeErrors, errorDetail, getToken, idFromLocation, ns } from "./test-support";

const R = "/services/rest/record/v1";

describe("NetSuite record service", () => {
  let sandbox: RunningSandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, demo: { accounts: 3 } });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => ns(sandbox, token, method, path, body, headers);

  it("creates a customer with 204 and a Location header, reads it back with links and references", async () => {
    const created = await call("POST", `${R}/customer`, { companyname: "Gamma Rays Ltd", subsidiary: { id: "1" }, email: "ap@gamma.example", custentity_zuora_account_id: "A-1" });
    expect(created.status).toBe(204);
    expect(created.body).toBeUndefined();
    expect(created.headers.get("location")).toMatch(new RegExp(`^${sandbox.netsuiteBaseUrl}${R}/customer/\\d+$`));
    const got = await call("GET", `${R}/customer/${idFromLocation(created)}`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toContain("application/vnd.oracle.resource+json; type=singular");
    expect(envelopeErrors("nsResource", got.body)).toEqual([]);
    expect(got.body).toMatchObject({
      id: idFromLocation(created),
      companyName: "Gamma Rays Ltd",
      entityId: "Gamma Rays Ltd",
      subsidiary: { id: "1", refName: "Parent Company" },
      currency: { id: "1", refName: "USD" },
      custentity_zuora_account_id: "A-1",
      links: [{ rel: "self", href: created.headers.get("location") }],
    });
    expect(got.body?.lastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it("refuses a missing mandatory field, a duplicate entity id, a bad reference and a bad value with o:errorDetails", async () => {
    const missing = await call("POST", `${R}/customer`, { companyName: "No Subsidiary Inc." });
    expect(missing.status).toBe(400);
    expect(errorDetail(missing)).toMatchObject({ "o:errorCode": "USER_ERROR", detail: expect.stringContaining("Please enter value(s) for: Subsidiary") });
    await call("POST", `${R}/customer`, { companyName: "Twice Corp", subsidiary: { id: "1" } });
    const twice = await call("POST", `${R}/customer`, { companyName: "Twice Corp", subsidiary: { id: "1" } });
    expect(errorDetail(twice)).toMatchObject({ "o:errorCode": "USER_ERROR", detail: expect.stringContaining("This entity already exists.") });
    const customer = (await sandbox.control.netsuite.seed({ customers: [{ companyName: "Lines Inc.", subsidiary: { id: "1" } }] })).customers[0]?.id;
    const badItem = await call("POST", `${R}/invoice`, { entity: { id: customer }, item: { items: [{ item: { id: "9999" }, amount: 1 }] } });
    expect(badItem.status).toBe(400);
    expect(errorDetail(badItem)).toMatchObject({
      "o:errorCode": "INVALID_CONTENT",
      "o:errorPath": "item.items[0].item",
      detail: "Error while accessing a resource. You have entered an Invalid Field Value 9999 for the following field: item",
    });
    const badValue = await call("POST", `${R}/customer`, { companyName: "Typed", subsidiary: { id: "1" }, isPerson: "yes" });
    expect(errorDetail(badValue)).toMatchObject({ "o:errorCode": "INVALID_CONTENT", "o:errorPath": "isPerson" });
    const noLines = await call("POST", `${R}/invoice`, { entity: { id: customer } });
    expect(errorDetail(noLines).detail).toContain("at least one line item");
  });

  it("ignores unknown field names by default and refuses them with X-NetSuite-PropertyNameValidation: Error", async () => {
    const lenient = await call("POST", `${R}/customer`, { companyName: "Lenient LLC", subsidiary: { id: "1" }, compnyName: "typo" });
    expect(lenient.status).toBe(204);
    const strict = await call("POST", `${R}/customer`, { companyName: "Strict LLC", subsidiary: { id: "1" }, compnyName: "typo" }, { "X-NetSuite-PropertyNameValidation": "Error" });
    expect(strict.status).toBe(400);
    expect(errorDetail(strict)["o:errorPath"]).toBe("compnyName");
  });

  it("upserts by external id with PUT eid:, reads by eid:, and refuses a second POST of the same external id", async () => {
    const first = await call("PUT", `${R}/customer/eid:ZU-A00000042`, { companyName: "Upsert Co", subsidiary: { id: "1" } });
    expect(first.status).toBe(204);
    const id = idFromLocation(first);
    expect(id).toMatch(/^\d+$/);
    const second = await call("PUT", `${R}/customer/eid:ZU-A00000042`, { email: "new@upsert.example" });
    expect(second.status).toBe(204);
    expect(second.headers.get("location")).toBeNull();
    const got = await call("GET", `${R}/customer/eid:ZU-A00000042`);
    expect(got.body).toMatchObject({ id, externalId: "ZU-A00000042", companyName: "Upsert Co", email: "new@upsert.example" });
    const post = await call("POST", `${R}/customer`, { companyName: "Upsert Co 2", subsidiary: { id: "1" }, externalId: "ZU-A00000042" });
    expect(errorDetail(post)).toMatchObject({ "o:errorCode": "USER_ERROR" });
    const putInternal = await call("PUT", `${R}/customer/${id}`, { email: "x@y.example" });
    expect(putInternal.status).toBe(400);
  });

  it("patches and deletes with 204, answers 404 NONEXISTENT_ID after, and refuses deleting a customer with invoices", async () => {
    const created = await call("POST", `${R}/customer`, { companyName: "Short Lived", subsidiary: { id: "1" } });
    const path = `${R}/customer/${idFromLocation(created)}`;
    expect((await call("PATCH", path, { phone: "555-0100" })).status).toBe(204);
    expect((await call("GET", path)).body).toMatchObject({ phone: "555-0100" });
    expect((await call("DELETE", path)).status).toBe(204);
    const gone = await call("GET", path);
    expect(gone.status).toBe(404);
    expect(errorDetail(gone)["o:errorCode"]).toBe("NONEXISTENT_ID");

    const invoices = await call("GET", `${R}/invoice?limit=1`);
    const invoice = await call("GET", `${R}/invoice/${(invoices.body?.items as { id: string }[])[0]?.id}`);
    const customerId = (invoice.body?.entity as { id: string }).id;
    const refused = await call("DELETE", `${R}/customer/${customerId}`);
    expect(refused.status).toBe(400);
    expect(errorDetail(refused).detail).toContain("dependent records");
  });

  it("creates an invoice with computed totals; its item sublist is a link unless expandSubResources=true", async () => {
    const customer = (await sandbox.control.netsuite.seed({ customers: [{ companyName: "Invoice Target B.V.", subsidiary: { id: "2" }, currency: { id: "4" } }] })).customers[0]?.id ?? "";
    const item = (await call("GET", `${R}/serviceSaleItem?limit=1`)).body?.items as { id: string }[];
    const created = await call("POST", `${R}/invoice`, {
      entity: { id: customer },
      tranDate: "2026-11-30",
      otherRefNum: "ZINV-0001",
      item: { items: [{ item: { id: item[0]?.id }, quantity: 3, rate: 72 }, { item: { id: item[0]?.id }, amount: 10.5 }] },
    });
    expect(created.status).toBe(204);
    const path = `${R}/invoice/${idFromLocation(created)}`;
    const plain = await call("GET", path);
    expect(plain.body).toMatchObject({ total: 226.5, amountRemaining: 226.5, currency: { id: "4", refName: "EUR" }, status: { id: "A", refName: "Open" }, tranDate: "2026-11-30" });
    expect(plain.body?.item).toEqual({ links: [{ rel: "self", href: `${sandbox.netsuiteBaseUrl}${path}/item` }] });
    const expanded = await call("GET", `${path}?expandSubResources=true`);
    const lines = expanded.body?.item as Record<string, unknown>;
    expect(envelopeErrors("nsResourceCollection", lines)).toEqual([]);
    expect(lines.items).toMatchObject([{ line: 1, quantity: 3, rate: 72, amount: 216 }, { line: 2, quantity: 1, amount: 10.5 }]);
    const sublist = await call("GET", `${path}/item`);
    expect(sublist.body).toEqual(lines);
    const fields = await call("GET", `${path}?fields=tranId,total`);
    expect(Object.keys(fields.body ?? {}).sort()).toEqual(["id", "links", "total", "tranId"]);

    const wrongCurrency = await call("POST", `${R}/invoice`, { entity: { id: customer }, currency: { id: "1" }, item: { items: [{ item: { id: item[0]?.id }, amount: 1 }] } });
    expect(errorDetail(wrongCurrency)["o:errorPath"]).toBe("currency");
  });

  it("keeps customers' balances in step when an invoice is created, moved to another customer and deleted", async () => {
    const [a, b] = (await sandbox.control.netsuite.seed({ customers: [{ companyName: "Balance A", subsidiary: { id: "1" } }, { companyName: "Balance B", subsidiary: { id: "1" } }] })).customers.map((c) => c.id);
    const item = ((await call("GET", `${R}/serviceSaleItem?limit=1`)).body?.items as { id: string }[])[0]?.id;
    const balance = async (id?: string) => (await call("GET", `${R}/customer/${id}?fields=balance`)).body?.balance;
    const created = await call("POST", `${R}/invoice`, { entity: { id: a }, item: { items: [{ item: { id: item }, amount: 120 }] } });
    const path = `${R}/invoice/${idFromLocation(created)}`;
    expect([await balance(a), await balance(b)]).toEqual([120, 0]);
    expect((await call("PATCH", path, { entity: { id: b }, item: { items: [{ line: 1, amount: 80 }] } })).status).toBe(204);
    expect([await balance(a), await balance(b)]).toEqual([0, 80]);
    expect((await call("DELETE", path)).status).toBe(204);
    expect(await balance(b)).toBe(0);
  });

  it("refuses an invoice dated in a closed period", async () => {
    await sandbox.control.netsuite.updateSettings({ closedPeriodsBefore: "2026-11-01" });
    const customer = (await sandbox.control.netsuite.seed({ customers: [{ companyName: "Closed Period Inc.", subsidiary: { id: "1" } }] })).customers[0]?.id;
    const item = ((await call("GET", `${R}/serviceSaleItem?limit=1`)).body?.items as { id: string }[])[0]?.id;
    const refused = await call("POST", `${R}/invoice`, { entity: { id: customer }, tranDate: "2026-10-31", item: { items: [{ item: { id: item }, amount: 5 }] } });
    expect(errorDetail(refused)).toMatchObject({ "o:errorCode": "USER_ERROR", "o:errorPath": "tranDate" });
    expect((await call("POST", `${R}/invoice`, { entity: { id: customer }, tranDate: "2026-11-01", item: { items: [{ item: { id: item }, amount: 5 }] } })).status).toBe(204);
    await sandbox.control.netsuite.updateSettings({ closedPeriodsBefore: null });
  });

  it("pages collections with links, count, hasMore, offset and totalResults, and refuses a bad limit", async () => {
    const total = (await call("GET", `${R}/customer`)).body?.totalResults as number;
    expect(total).toBeGreaterThan(40);
    const ids = new Set<string>();
    let url: string | undefined = `${sandbox.netsuiteBaseUrl}${R}/customer?limit=10`;
    let pages = 0;
    while (url) {
      const page = await ns(sandbox, token, "GET", url.slice(sandbox.netsuiteBaseUrl.length));
      expect(envelopeErrors("nsResourceCollection", page.body)).toEqual([]);
      const body = page.body as { items: { id: string }[]; hasMore: boolean; count: number; offset: number; links: { rel: string; href: string }[] };
      expect(body.offset).toBe(pages * 10);
      expect(body.count).toBe(body.items.length);
      for (const item of body.items) ids.add(item.id);
      url = body.links.find((l) => l.rel === "next")?.href;
      expect(Boolean(url)).toBe(body.hasMore);
      pages += 1;
    }
    expect(ids.size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 10));
    expect(errorDetail(await call("GET", `${R}/customer?limit=1001`))["o:errorQueryParam"]).toBe("limit");
  });

  it("filters with q: strings, references, dates in the account format, AND/OR; unknown fields and bad dates are refused", async () => {
    await sandbox.control.netsuite.seed({
      customers: [
        { companyName: "Quartz Filter One", subsidiary: { id: "1" }, email: "one@quartz.example" },
        { companyName: "Quartz Filter Two", subsidiary: { id: "2" }, currency: { id: "4" } },
      ],
    });
    const q = async (expression: string) => {
      const response = await call("GET", `${R}/customer?q=${encodeURIComponent(expression)}`);
      return response;
    };
    expect((await q('companyName START_WITH "Quartz Filter"')).body?.totalResults).toBe(2);
    expect((await q('companyName START_WITH "quartz filter" AND subsidiary ANY_OF [2]')).body?.totalResults).toBe(2 - 1);
    expect((await q('(email CONTAIN "quartz" OR currency EQUAL 4) AND companyName CONTAIN Quartz')).body?.totalResults).toBe(2);
    expect((await q("email EMPTY_NOT AND companyName IS \"Quartz Filter One\"")).body?.totalResults).toBe(1);
    const today = new Date();
    const tomorrow = new Date(today.getTime() + 2 * 86_400_000);
    const us = (d: Date) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
    expect((await q(`lastModifiedDate AFTER "${us(tomorrow)}"`)).body?.totalResults).toBe(0);
    expect((await q(`lastModifiedDate ON_OR_AFTER "1/1/2020"`)).body?.totalResults).toBe((await call("GET", `${R}/customer`)).body?.totalResults);
    const unknown = await q('nosuchfield IS "x"');
    expect(errorDetail(unknown)).toMatchObject({ "o:errorCode": "NONEXISTENT_FIELD", "o:errorQueryParam": "q" });
    const badDate = await q('lastModifiedDate AFTER "2024-01-01"');
    expect(errorDetail(badDate).detail).toContain('Parse of date/time "2024-01-01" failed');
  });

  it("stores custom records (customrecord_*), lists duplicates by natural key, and refuses unknown record types", async () => {
    const body = (eventId: string) => ({ name: `Event ${eventId}`, custrecord_zse_event_id: eventId, custrecord_zse_event_type: "new", custrecord_zse_subscription_number: "A-S00000001", custrecord_zse_amount: 99 });
    expect((await call("PUT", `${R}/${SUBSCRIPTION_EVENT_RECORD}/eid:evt-1`, body("evt-1"))).status).toBe(204);
    expect((await call("PUT", `${R}/${SUBSCRIPTION_EVENT_RECORD}/eid:evt-1`, body("evt-1"))).status).toBe(204);
    expect(await sandbox.control.netsuite.duplicates()).toEqual([]);
    expect((await call("POST", `${R}/${SUBSCRIPTION_EVENT_RECORD}`, body("evt-2"))).status).toBe(204);
    expect((await call("POST", `${R}/${SUBSCRIPTION_EVENT_RECORD}`, body("evt-2"))).status).toBe(204);
    const duplicates = await sandbox.control.netsuite.duplicates();
    expect(duplicates).toMatchObject([{ recordType: SUBSCRIPTION_EVENT_RECORD, key: "custrecord_zse_event_id", value: "evt-2" }]);
    expect(duplicates[0]?.ids).toHaveLength(2);
    const records = await sandbox.control.netsuite.records(SUBSCRIPTION_EVENT_RECORD);
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({ externalId: "evt-1", custrecord_zse_amount: 99, custrecord_zse_event_type: "new" });
    const missing = await call("POST", `${R}/${SUBSCRIPTION_EVENT_RECORD}`, { name: "no event id" });
    expect(errorDetail(missing)["o:errorCode"]).toBe("USER_ERROR");
    const unknownType = await call("GET", `${R}/customrecord_nope`);
    expect(unknownType.status).toBe(400);
    expect(errorDetail(unknownType)["o:errorCode"]).toBe("INVALID_RCRD_TYPE");
    const generic = await call("GET", `${R}/item`);
    expect(generic.status).toBe(400);
  });

  it("answers 415 for a body that is not JSON and 400 INVALID_CONTENT for broken JSON", async () => {
    const text = await fetch(`${sandbox.netsuiteBaseUrl}${R}/customer`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" }, body: "hello" });
    expect(text.status).toBe(415);
    const broken = await fetch(`${sandbox.netsuiteBaseUrl}${R}/customer`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{" });
    expect(broken.status).toBe(400);
    expect(envelopeErrors("nsError", await broken.json())).toEqual([]);
  });
});

describe("NetSuite metadata catalog", () => {
  let sandbox: RunningSandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, demo: { accounts: 3 } });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  it("describes each record type with x-ns-filterable and custom fields, and the records it serves match their schema", async () => {
    const catalog = await ns(sandbox, token, "GET", `${R}/metadata-catalog`);
    expect((catalog.body?.items as { name: string }[]).map((i) => i.name)).toEqual(expect.arrayContaining(["customer", "invoice", "serviceSaleItem", SUBSCRIPTION_EVENT_RECORD]));
    const schema = await ns(sandbox, token, "GET", `${R}/metadata-catalog/customer`, undefined, { accept: "application/schema+json" });
    expect(schema.headers.get("content-type")).toContain("application/schema+json");
    expect(schema.body).toMatchObject({ required: ["companyName", "subsidiary"], properties: { custentity_zuora_account_id: { "x-ns-custom-field": true } } });
    expect(schema.body?.["x-ns-filterable"]).toEqual(expect.arrayContaining(["companyName", "lastModifiedDate", "externalId"]));
    expect(schema.body?.["x-ns-filterable"]).not.toContain("comments");

    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const ajv = new Ajv2020({ strict: false });
    for (const type of ["customer", "invoice"]) {
      const served = await ns(sandbox, token, "GET", `${R}/metadata-catalog/${type}`, undefined, { accept: "application/schema+json" });
      const validate = ajv.compile(served.body ?? {});
      const first = ((await ns(sandbox, token, "GET", `${R}/${type}?limit=1`)).body?.items as { id: string }[])[0]?.id;
      const record = await ns(sandbox, token, "GET", `${R}/${type}/${first}?expandSubResources=true`);
      expect(validate(record.body), `${type}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const openapi = await ns(sandbox, token, "GET", `${R}/metadata-catalog/invoice`, undefined, { accept: "application/swagger+json" });
    expect(openapi.body).toMatchObject({ openapi: "3.0.1", components: { schemas: { invoice: { title: "invoice" } } } });
  });
});
