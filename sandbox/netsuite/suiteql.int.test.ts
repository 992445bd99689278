import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { envelopeErrors, errorDetail, getToken, ns } from "./test-support";

const SUITEQL = "/services/rest/query/v1/suiteql";

describe("NetSuite SuiteQL", () => {
  let sandbox: RunningSandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, demo: { accounts: 3 } });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  const query = async (q: string, params = "", headers: Record<string, string> = { prefer: "transient" }) => {
    const response = await ns(sandbox, token, "POST", `${SUITEQL}${params}`, { q }, headers);
    if (response.status === 200) expect(envelopeErrors("suiteqlPage", response.body)).toEqual([]);
    return response;
  };
  const rows = (response: Awaited<ReturnType<typeof query>>) => response.body?.items as Record<string, string>[];

  it("requires Prefer: transient", async () => {
    const refused = await query("SELECT id FROM customer", "", {});
    expect(refused.status).toBe(400);
    expect(errorDetail(refused)["o:errorHeader"]).toBe("Prefer");
  });

  it("returns rows with lower-case columns as strings, links: [], nulls left out, dates in the account format", async () => {
    const customer = (await sandbox.control.netsuite.seed({ customers: [{ companyName: "SQL Shape Inc.", subsidiary: { id: "1" }, externalId: "SQL-1" }] })).customers[0]?.id;
    const response = await query(`SELECT id, companyname, email, externalid, isinactive, lastmodifieddate FROM customer WHERE id = ${customer}`);
    expect(response.status).toBe(200);
    const [row] = rows(response);
    expect(row).toMatchObject({ links: [], id: customer, companyname: "SQL Shape Inc.", externalid: "SQL-1", isinactive: "F" });
    expect(row).not.toHaveProperty("email");
    expect(row?.lastmodifieddate).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}$/);
  });

  it("polls invoices by lastmodifieddate with TO_CHAR / TO_TIMESTAMP in the account time zone and pages with links", async () => {
    await sandbox.control.netsuite.setClock("2026-12-01T12:00:00Z");
    const customer = (await sandbox.control.netsuite.seed({ customers: [{ companyName: "Poll Target LLC", subsidiary: { id: "1" } }] })).customers[0]?.id;
    const item = (await sandbox.control.netsuite.seed({ items: [{ itemId: "POLL-ITEM", displayName: "Poll item" }] })).items[0]?.id;
    const invoices = Array.from({ length: 25 }, (_, n) => ({ entity: { id: customer }, memo: `poll ${n}`, item: { items: [{ item: { id: item }, amount: n + 1 }] } }));
    await sandbox.control.netsuite.seed({ invoices });
    await sandbox.control.netsuite.setClock(null);
    // 2026-12-01T12:00:00Z is 04:00:00 in Los Angeles (the account time zone).
    const q = (mark: string) =>
      `SELECT id, tranid, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD"T"HH24:MI:SS') AS modified FROM transaction WHERE type = 'CustInvc' AND entity = ${customer} AND lastmodifieddate >= TO_TIMESTAMP('${mark}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id`;
    const first = await query(q("2026-12-01 04:00:00"), "?limit=10");
    expect(first.body).toMatchObject({ count: 10, hasMore: true, offset: 0, totalResults: 25 });
    expect(rows(first)[0]?.modified).toBe("2026-12-01T04:00:00");
    const next = (first.body?.links as { rel: string; href: string }[]).find((l) => l.rel === "next")?.href ?? "";
    const second = await ns(sandbox, token, "POST", next.slice(sandbox.netsuiteBaseUrl.length), { q: q("2026-12-01 04:00:00") }, { prefer: "transient" });
    expect(second.body).toMatchObject({ count: 10, offset: 10, hasMore: true });
    expect((await query(q("2026-12-01 04:00:01"))).body?.totalResults).toBe(0);

    // A user edits one invoice: the next poll from the high-water mark finds exactly that one.
    const edited = rows(first)[3]?.id ?? "";
    await sandbox.control.netsuite.change("invoice", edited, { memo: "edited in the UI" });
    const poll = await query(q("2026-12-01 04:00:01"));
    expect(rows(poll).map((r) => r.id)).toEqual([edited]);
  });

  it("supports IN, LIKE, IS NULL, BETWEEN, BUILTIN.DF, TOP and SELECT * over customers, items and custom records", async () => {
    const seeded = await sandbox.control.netsuite.seed({
      customers: [
        { companyName: "Like Alpha", subsidiary: { id: "1" }, email: "a@like.example" },
        { companyName: "Like Beta", subsidiary: { id: "2" }, currency: { id: "4" } },
      ],
    });
    const [a, b] = seeded.customers.map((c) => c.id);
    expect(rows(await query(`SELECT id FROM customer WHERE id IN (${a}, ${b}) ORDER BY id DESC`)).map((r) => r.id)).toEqual([b, a]);
    expect(rows(await query("SELECT companyname FROM customer WHERE companyname LIKE 'Like %' AND email IS NULL"))).toEqual([{ links: [], companyname: "Like Beta" }]);
    expect(rows(await query(`SELECT id, BUILTIN.DF(currency) AS cur FROM customer c WHERE c.id BETWEEN ${a} AND ${b}`)).map((r) => r.cur)).toEqual(["USD", "EUR"]);
    expect(rows(await query("SELECT TOP 2 id FROM customer"))).toHaveLength(2);
    const items = rows(await query("SELECT itemid, itemtype FROM item WHERE itemid LIKE 'NW-%' ORDER BY itemid"));
    expect(items[0]).toEqual({ links: [], itemid: "NW-ONB", itemtype: "Service" });
    const all = rows(await query(`SELECT * FROM customer WHERE id = ${a}`))[0];
    expect(all).toMatchObject({ id: a, companyname: "Like Alpha", subsidiary: "1", currency: "1" });
    await sandbox.control.netsuite.seed({
      customRecords: [{ recordType: "customrecord_zuora_subscription_event", body: { custrecord_zse_event_id: "e-9", custrecord_zse_event_type: "cancelled", custrecord_zse_subscription_number: "A-S9" } }],
    });
    expect(rows(await query("SELECT custrecord_zse_event_type FROM customrecord_zuora_subscription_event WHERE custrecord_zse_event_id = 'e-9'"))).toEqual([
      { links: [], custrecord_zse_event_type: "cancelled" },
    ]);
  });

  it("refuses unknown tables, unknown fields and broken syntax with a search error", async () => {
    for (const [q, text] of [
      ["SELECT id FROM nosuchtable", "Record 'nosuchtable' was not found"],
      ["SELECT nosuchfield FROM customer", "Field 'nosuchfield' for record 'customer' was not found"],
      ["SELECT id FROM customer WHERE", "Unexpected end"],
      ["DELETE FROM customer", "Only SELECT"],
    ] as const) {
      const refused = await query(q);
      expect(refused.status, q).toBe(400);
      expect(errorDetail(refused), q).toMatchObject({ "o:errorCode": "INVALID_PARAMETER", detail: expect.stringContaining(text) });
    }
  });
});
