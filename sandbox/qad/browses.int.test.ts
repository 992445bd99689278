import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BROWSE, expectEnvelope, INVOICE_VIEW, PAYMENT_VIEW, startQad, type TestQad } from "./test-support";

let qad: TestQad;
const YEAR = new Date().getUTCFullYear();
const DATE = `${YEAR}-06-15`;

beforeAll(async () => {
  qad = await startQad();
});
afterAll(async () => {
  await qad.close();
});
beforeEach(async () => {
  await qad.sandbox.control.qad.reset();
  qad.forgetToken();
  await qad.sandbox.control.qad.seed({
    customers: Array.from({ length: 25 }, (_, i) => ({
      customerCode: `C${String(i + 1).padStart(3, "0")}`,
      businessRelationName: i % 2 === 0 ? `Acme Unit ${i + 1}` : `Birch Unit ${i + 1}`,
      currencyCode: "USD",
      isActive: i !== 3,
    })),
  });
});

const rows = (body: Record<string, unknown>) => {
  expectEnvelope("browseResponse", body);
  return body.data as Record<string, unknown>[];
};

const postInvoice = async (reference: string, customerCode = "C001", amount = 100) => {
  const answer = await qad.write("customerInvoices", INVOICE_VIEW, [
    { customerCode, dInvoiceReference: reference, dInvoiceDate: DATE, currencyCode: "USD", customerInvoiceLines: [{ glCode: "40100", amountTC: amount }] },
  ]);
  expect(answer.body.submitResult).toEqual({ success: true, errors: [] });
  return (answer.body.customerInvoices as { dInvoiceVoucher: string }[])[0]!.dInvoiceVoucher;
};

describe("browse paging", () => {
  it("serves pages of pageSize rows keyed by qualified column names; a short page is the last", async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page += 1) {
      const answer = await qad.browse(BROWSE.customers, { page: String(page), pageSize: "10", pageAction: page === 1 ? "first" : "next" });
      expect(answer.status).toBe(200);
      const data = rows(answer.body);
      expect(data).toHaveLength(page < 3 ? 10 : 5);
      seen.push(...data.map((r) => r["customer.customerCode"] as string));
    }
    expect(new Set(seen).size).toBe(25);
    const first = rows((await qad.browse(BROWSE.customers, { pageSize: "1" })).body)[0]!;
    expect(Object.keys(first)).toEqual(expect.arrayContaining(["customer.customerCode", "customer.businessRelationName", "customer.currencyCode", "customer.isActive"]));
    expect(rows((await qad.browse(BROWSE.customers, { page: "4", pageSize: "10", pageAction: "next" })).body)).toEqual([]);
  });

  it("answers 200 with no rows without page and pageAction (observed), and 400 for a bad page", async () => {
    const bare = await qad.call("GET", `/api/qracore/browses?browseId=${BROWSE.customers}&pageSize=10`);
    expect(bare.status).toBe(200);
    expect(rows(bare.body)).toEqual([]);
    const noAction = await qad.call("GET", `/api/qracore/browses?browseId=${BROWSE.customers}&page=1&pageSize=10`);
    expect(rows(noAction.body)).toEqual([]);
    const bad = await qad.browse(BROWSE.customers, { page: "0" });
    expect(bad.status).toBe(400);
    expectEnvelope("bareErrorsEnvelope", bad.body);
  });

  it("answers 404 for an unknown browse id", async () => {
    const answer = await qad.browse("urn:browse:bebrowse:com.qad.erp.sales.salesOrders");
    expect(answer.status).toBe(404);
    expectEnvelope("bareErrorsEnvelope", answer.body);
  });

  it("counts rows at browses/totalCount with the same filters", async () => {
    const answer = await qad.call("GET", `/api/qracore/browses/totalCount/?browseId=${BROWSE.customers}&filter=${encodeURIComponent("customer.isActive,eq,false")}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ totalCount: 1 });
  });
});

describe("browse filters", () => {
  it("filters with eq (case-insensitive, qualified or bare field, optional literal flag), begins and ne", async () => {
    const eq = rows((await qad.browse(BROWSE.customers, { filter: "customer.customerCode,eq,c007,literal" })).body);
    expect(eq.map((r) => r["customer.customerCode"])).toEqual(["C007"]);
    const bare = rows((await qad.browse(BROWSE.customers, { filter: "businessRelationName,eq,ACME UNIT 1," })).body);
    expect(bare.map((r) => r["customer.customerCode"])).toEqual(["C001"]);
    const begins = rows((await qad.browse(BROWSE.customers, { filter: "customer.businessRelationName,begins,birch" })).body);
    expect(begins).toHaveLength(12);
    const both = rows((await qad.browse(BROWSE.customers, { filter: ["customer.businessRelationName,begins,birch", "customer.isActive,eq,false"] })).body);
    expect(both.map((r) => r["customer.customerCode"])).toEqual(["C004"]);
    const ne = rows((await qad.browse(BROWSE.customers, { filter: "customer.isActive,ne,true" })).body);
    expect(ne).toHaveLength(1);
  });

  it("refuses an unknown field, operator or a value of the wrong type with 400", async () => {
    for (const filter of ["customer.nope,eq,1", "customer.customerCode,like,C%", "customer.isActive,eq,maybe", "customer.customerCode"]) {
      const answer = await qad.browse(BROWSE.customers, { filter });
      expect(answer.status, filter).toBe(400);
      expectEnvelope("bareErrorsEnvelope", answer.body);
    }
  });

  it("lists GL accounts with their type and active flag, and the GL calendar with period status", async () => {
    const accounts = rows((await qad.browse(BROWSE.glAccounts, { filter: "glAccount.isActive,eq,false" })).body);
    expect(accounts).toEqual([expect.objectContaining({ "glAccount.glCode": "49000", "glAccount.isActive": false, "glAccount.glType": "Standard" })]);
    await qad.sandbox.control.qad.setPeriodStatus({ year: YEAR, period: 2, status: "CLOSED" });
    const periods = rows((await qad.browse(BROWSE.glPeriods, { filter: ["period.periodYear,eq," + YEAR, "period.periodStatus,eq,closed"] })).body);
    expect(periods).toEqual([{ "period.periodYear": YEAR, "period.periodPeriod": 2, "period.periodStartDate": `${YEAR}-02-01`, "period.periodEndDate": `${YEAR}-02-${YEAR % 4 === 0 ? 29 : 28}`, "period.periodStatus": "CLOSED" }]);
  });
});

describe("polling by lastModifiedDateTime (assumed filter)", () => {
  it("finds invoices by reference for the look-up before create, and returns invoices changed since a time, oldest change first", async () => {
    await qad.sandbox.control.qad.setClock(`${YEAR + 1}-06-15T08:00:00.000Z`);
    const v1 = await postInvoice("INV00000001");
    await postInvoice("INV00000002");
    const byRef = rows((await qad.browse(BROWSE.invoices, { filter: "customerInvoice.dInvoiceReference,eq,INV00000002" })).body);
    expect(byRef.map((r) => r["customerInvoice.dInvoiceReference"])).toEqual(["INV00000002"]);

    await qad.sandbox.control.qad.setClock(`${YEAR + 1}-06-15T09:00:00.000Z`);
    await postInvoice("INV00000003");
    const since = `${YEAR + 1}-06-15T08:30:00.000Z`;
    const changed = rows((await qad.browse(BROWSE.invoices, { filter: `customerInvoice.lastModifiedDateTime,gt,${since}` })).body);
    expect(changed.map((r) => r["customerInvoice.dInvoiceReference"])).toEqual(["INV00000003"]);

    // A receipt allocated to the first invoice changes it: it comes again, after the newer invoice.
    await qad.sandbox.control.qad.setClock(`${YEAR + 1}-06-15T10:00:00.000Z`);
    const receipt = await qad.write("customerPayments", PAYMENT_VIEW, [
      { customerCode: "C001", dDocumentReference: "P-1", dDocumentDate: DATE, currencyCode: "USD", bankGLCode: "10200", dDocumentAmountTC: 40, customerPaymentAllocations: [{ dInvoiceVoucher: v1, dDocumentInvoiceXrefAlloTC: 40 }] },
    ]);
    expect(receipt.body.submitResult).toEqual({ success: true, errors: [] });
    const again = rows((await qad.browse(BROWSE.invoices, { filter: `customerInvoice.lastModifiedDateTime,ge,${since}` })).body);
    expect(again.map((r) => [r["customerInvoice.dInvoiceReference"], r["customerInvoice.dInvoiceBalanceTC"]])).toEqual([
      ["INV00000003", 100],
      ["INV00000001", 60],
    ]);
    const payments = rows((await qad.browse(BROWSE.payments, { filter: `customerPayment.lastModifiedDateTime,gt,${since}` })).body);
    expect(payments.map((r) => r["customerPayment.dDocumentUnallocatedTC"])).toEqual([0]);
    await qad.sandbox.control.qad.setClock(null);
  });

  it("pages through 2,000 invoices written in one request and finds one of them by reference", async () => {
    const records = Array.from({ length: 2_000 }, (_, i) => ({
      customerCode: `C${String((i % 25) + 1).padStart(3, "0")}`,
      dInvoiceReference: `INV${String(i + 1).padStart(8, "0")}`,
      dInvoiceDate: DATE,
      currencyCode: "USD",
      customerInvoiceLines: [{ glCode: "40100", amountTC: 10 }],
    })).filter((r) => r.customerCode !== "C004");
    const answer = await qad.write("customerInvoices", INVOICE_VIEW, records);
    expect((answer.body.customerInvoices as unknown[]).length).toBe(records.length);
    const lookup = rows((await qad.browse(BROWSE.invoices, { filter: "customerInvoice.dInvoiceReference,eq,INV00001999" })).body);
    expect(lookup).toHaveLength(1);
    let total = 0;
    for (let page = 1; ; page += 1) {
      const data = rows((await qad.browse(BROWSE.invoices, { page: String(page), pageSize: "500", pageAction: page === 1 ? "first" : "next" })).body);
      total += data.length;
      if (data.length < 500) break;
    }
    expect(total).toBe(records.length);
  });
});
