import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { getToken, seedSmall, zuoraGet } from "./test-support";

type Page = { data: { id: string; invoiceNumber: string; updatedDate: string; invoiceItems?: unknown[] }[]; nextPage?: string };

describe("Zuora Object Query cursor paging", () => {
  let sandbox: RunningSandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    await seedSmall(sandbox);
    await sandbox.control.zuora.billRun({ invoices: 250, seed: 11 });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  const page = async (query: string) => {
    const r = await zuoraGet(sandbox, token, `/object-query/invoices?${query}`);
    expect(r.status).toBe(200);
    return r.body as unknown as Page;
  };

  it("returns every record exactly once while records change, are added and are touched during paging", async () => {
    const base = `filter[]=${encodeURIComponent("updateddate.GE:2000-01-01T00:00:00Z")}&sort[]=updateddate.ASC&pageSize=99`;
    const seen: string[] = [];
    let result = await page(base);
    seen.push(...result.data.map((r) => r.id));
    // Edit records already returned and records not yet returned, and post new invoices, between pages.
    await sandbox.control.zuora.touch("invoices", [seen[0] as string, seen[5] as string, "INV00000200", "INV00000240"]);
    await sandbox.control.zuora.billRun({ invoices: 30, seed: 12 });
    while (result.nextPage) {
      result = await page(`${base}&cursor=${encodeURIComponent(result.nextPage)}`);
      seen.push(...result.data.map((r) => r.id));
      await sandbox.control.zuora.touch("invoices", [seen[seen.length - 1] as string]);
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    // A new query sees what was added while paging.
    const again: string[] = [];
    let next = await page(base);
    again.push(...next.data.map((r) => r.id));
    while (next.nextPage) {
      next = await page(`${base}&cursor=${encodeURIComponent(next.nextPage)}`);
      again.push(...next.data.map((r) => r.id));
    }
    expect(new Set(again).size).toBe(280);
    expect(again).toHaveLength(280);
  });

  it("filters with EQ/IN/GT, honours fields[] and expand[]=invoiceitems, and omits nulls", async () => {
    const eq = await page(`filter[]=invoicenumber.EQ:INV00000007&expand[]=invoiceitems`);
    expect(eq.data).toHaveLength(1);
    expect(eq.data[0]?.invoiceItems?.length).toBeGreaterThan(0);
    const inList = await page(`filter[]=${encodeURIComponent("InvoiceNumber.IN:[INV00000001,INV00000002,INV00000003]")}&fields[]=id&fields[]=invoicenumber`);
    expect(inList.data.map((r) => r.invoiceNumber).sort()).toEqual(["INV00000001", "INV00000002", "INV00000003"]);
    expect(Object.keys(inList.data[0] ?? {}).sort()).toEqual(["id", "invoiceNumber"]);
    const future = await page(`filter[]=${encodeURIComponent("updateddate.GT:2999-01-01T00:00:00Z")}`);
    expect(future).toEqual({ data: [] });
    const one = await zuoraGet(sandbox, token, "/object-query/invoices/INV00000007");
    expect(one.body).toMatchObject({ invoiceNumber: "INV00000007" });
    expect(Object.values(one.body)).not.toContain(null);
  });

  it("expands an account's bill-to contact as billTo with expand[]=billto, by key and in a listing, and PUT /v1/accounts changes it", async () => {
    const eur = (await zuoraGet(sandbox, token, "/object-query/accounts?filter[]=currency.EQ:EUR&expand[]=billto")).body.data as { id: string; billTo?: Record<string, unknown> }[];
    expect(eur[0]?.billTo).toMatchObject({ firstName: expect.any(String), lastName: expect.any(String), address1: "1 Market Street", city: "Berlin", postalCode: "10115", country: "Germany" });
    expect(eur[0]?.billTo).not.toHaveProperty("zipCode");
    expect(eur[0]?.billTo).not.toHaveProperty("address2");
    const id = eur[0]!.id;
    expect((await zuoraGet(sandbox, token, `/object-query/accounts/${id}`)).body).not.toHaveProperty("billTo");
    const withNulls = await zuoraGet(sandbox, token, `/object-query/accounts/${id}?expand[]=billto&includeNullFields=true`);
    expect(withNulls.body.billTo).toMatchObject({ address2: null, workPhone: null });
    // billto.fields[] narrows the contact, as in Zuora's guide (`billto.fields[]=firstname,lastname`)
    const narrowed = await zuoraGet(sandbox, token, `/object-query/accounts/${id}?expand[]=billto&billto.fields[]=firstname,lastname`);
    expect(Object.keys(narrowed.body.billTo as object).sort()).toEqual(["firstName", "lastName"]);

    const put = await fetch(`${sandbox.zuoraBaseUrl}/v1/accounts/${id}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ billToContact: { address1: "Unter den Linden 1", workPhone: "+49 30 1234567" } }),
    });
    expect(await put.json()).toEqual({ success: true });
    const after = await zuoraGet(sandbox, token, `/object-query/accounts/${id}?expand[]=BillTo`);
    expect(after.body.billTo).toMatchObject({ address1: "Unter den Linden 1", workPhone: "+49 30 1234567", city: "Berlin", postalCode: "10115" });
    const tooLong = await fetch(`${sandbox.zuoraBaseUrl}/v1/accounts/${id}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ billToContact: { zipCode: "1".repeat(21) } }),
    });
    expect(await tooLong.json()).toMatchObject({ success: false });
  });

  it("rejects pageSize outside 1..99, unknown fields and foreign cursors with 400", async () => {
    for (const query of ["pageSize=100", "pageSize=0", "filter[]=nosuchfield.EQ:1", "sort[]=amount.UP", "cursor=bm90LWEtY3Vyc29y"]) {
      const r = await zuoraGet(sandbox, token, `/object-query/invoices?${query}`);
      expect(r.status, query).toBe(400);
    }
    const first = await page("pageSize=5&sort[]=invoicenumber.ASC");
    const foreign = await zuoraGet(sandbox, token, `/object-query/invoices?pageSize=5&sort[]=amount.ASC&cursor=${encodeURIComponent(first.nextPage ?? "")}`);
    expect(foreign.status).toBe(400);
  });

  it("pages payments, credit memos and accounts with Object Query field names", async () => {
    const payments = await zuoraGet(sandbox, token, "/object-query/payments?pageSize=3");
    expect((payments.body.data as Record<string, unknown>[])[0]).toHaveProperty("paymentNumber");
    const memos = await zuoraGet(sandbox, token, "/object-query/credit-memos?pageSize=3");
    expect((memos.body.data as Record<string, unknown>[])[0]).toHaveProperty("memoNumber");
    const accounts = await zuoraGet(sandbox, token, "/object-query/accounts?pageSize=99&filter[]=currency.EQ:EUR");
    expect((accounts.body.data as { currency: string }[]).every((a) => a.currency === "EUR")).toBe(true);
  });
});
