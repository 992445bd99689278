import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ADJUSTMENT_VIEW, CUSTOMER_VIEW, expectEnvelope, INVOICE_VIEW, PAYMENT_VIEW, startQad, type Answer, type TestQad } from "./test-support";

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
    customers: [
      { customerCode: "ACME", businessRelationName: "Acme Analytics Inc", currencyCode: "USD" },
      { customerCode: "CEDAR", businessRelationName: "Cedar Labs GmbH", currencyCode: "EUR" },
      { customerCode: "GONE", businessRelationName: "Gone Corp", isActive: false },
    ],
    glAccounts: [{ glCode: "10250", glDescription: "Bank EUR", glType: "Bank", currencyCode: "EUR" }],
  });
});

const invoice = (overrides: Record<string, unknown> = {}) => ({
  customerCode: "ACME",
  dInvoiceReference: "INV00000001",
  dInvoiceDate: DATE,
  currencyCode: "USD",
  customerInvoiceLines: [
    { glCode: "40100", amountTC: 100 },
    { glCode: "23100", amountTC: 8.5 },
  ],
  ...overrides,
});

const receipt = (overrides: Record<string, unknown> = {}) => ({
  customerCode: "ACME",
  dDocumentReference: "P-00000001",
  dDocumentDate: DATE,
  currencyCode: "USD",
  bankGLCode: "10200",
  dDocumentAmountTC: 50,
  ...overrides,
});

/** A refused write: HTTP 200, submitResult.success false, the errors as [fieldName, code]. */
const refusal = (answer: Answer) => {
  expect(answer.status).toBe(200);
  expectEnvelope("submitResultEnvelope", answer.body);
  const result = answer.body.submitResult as { success: boolean; errors: { fieldName: string; code: string; message: string }[] };
  expect(result.success).toBe(false);
  return result.errors;
};

const saved = (answer: Answer, collection: string) => {
  expect(answer.status).toBe(200);
  expectEnvelope("submitResultEnvelope", answer.body);
  expect(answer.body.submitResult).toEqual({ success: true, errors: [] });
  return (answer.body[collection] as Record<string, unknown>[])[0]!;
};

describe("customer invoices", () => {
  it("creates an invoice with a voucher, totals and open balance; the request body matches the write envelope", async () => {
    const body = { supplementaryMessages: [], customerInvoices: [invoice({ dInvoiceDescription: "Zuora INV00000001", someUnknownField: "ignored" })] };
    expectEnvelope("businessEntityWriteRequest", body);
    const answer = await qad.call("POST", `/api/erp/customerInvoices?viewUri=${INVOICE_VIEW}`, { body });
    const record = saved(answer, "customerInvoices");
    expect(record).toMatchObject({
      dInvoiceVoucher: `${YEAR}/SINV/000001`,
      dInvoiceReference: "INV00000001",
      customerCode: "ACME",
      dInvoiceDueDate: DATE,
      dInvoicePostingDate: DATE,
      periodYear: YEAR,
      periodPeriod: 6,
      dInvoiceOriginalDebitTC: 108.5,
      dInvoiceBalanceTC: 108.5,
      dInvoiceIsOpen: true,
      uri: `urn:be:com.qad.financials.ICustomerInvoice:10USA.10USACO.${YEAR}/SINV/000001`,
    });
    expect(record).not.toHaveProperty("someUnknownField");

    const read = await qad.call("GET", `/api/erp/customerInvoices?viewUri=${INVOICE_VIEW}&dInvoiceReference=inv00000001`);
    expect(read.status).toBe(200);
    expectEnvelope("entityReadResponse", read.body);
    expect((read.body.data as { customerInvoices: unknown[] }).customerInvoices).toEqual([expect.objectContaining({ dInvoiceVoucher: `${YEAR}/SINV/000001` })]);
  });

  it("refuses an unknown or inactive customer and unknown, inactive or control GL accounts, naming each field", async () => {
    const unknown = refusal(await qad.write("customerInvoices", INVOICE_VIEW, [invoice({ customerCode: "NOPE" })]));
    expect(unknown).toEqual([expect.objectContaining({ fieldName: "CustomerCode", code: "2", fieldValue: "NOPE" })]);
    const inactive = refusal(await qad.write("customerInvoices", INVOICE_VIEW, [invoice({ customerCode: "GONE" })]));
    expect(inactive[0]).toMatchObject({ fieldName: "CustomerCode", code: "3" });
    const accounts = refusal(
      await qad.write("customerInvoices", INVOICE_VIEW, [
        invoice({ customerInvoiceLines: [{ glCode: "99999", amountTC: 1 }, { glCode: "49000", amountTC: 1 }, { glCode: "11000", amountTC: 1 }] }),
      ]),
    );
    expect(accounts.map((e) => [e.fieldName, e.code])).toEqual([
      ["GLCode", "2"],
      ["GLCode", "3"],
      ["GLCode", "8"],
    ]);
    expect(accounts[1]!.message).toBe("Line 2: GL account '49000' is not active.");
    expect(await qad.sandbox.control.qad.documents("customerInvoices")).toEqual([]);
  });

  it("reports every missing mandatory field and over-long values at once (QAD's 'Field is mandatory.' and code 47)", async () => {
    const errors = refusal(
      await qad.write("customerInvoices", INVOICE_VIEW, [{ customerCode: "TOOLONGCODE", dInvoiceReference: "R".repeat(21), customerInvoiceLines: [] }]),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { fieldName: "CustomerCode", message: "Field length should be less than 9.", fieldValue: "TOOLONGCODE", code: "47" },
        expect.objectContaining({ fieldName: "DInvoiceReference", code: "47" }),
        expect.objectContaining({ fieldName: "DInvoiceDate", message: "Field is mandatory.", code: "1" }),
        expect.objectContaining({ fieldName: "CurrencyCode", message: "Field is mandatory.", code: "1" }),
        expect.objectContaining({ fieldName: "CustomerInvoiceLines", code: "1" }),
      ]),
    );
  });

  it("refuses a posting date in a closed GL period or outside the calendar", async () => {
    await qad.sandbox.control.qad.setPeriodStatus({ year: YEAR, period: 6, status: "CLOSED" });
    const closed = refusal(await qad.write("customerInvoices", INVOICE_VIEW, [invoice()]));
    expect(closed).toEqual([expect.objectContaining({ fieldName: "DInvoiceDate", code: "4", message: `GL period ${YEAR}/06 is closed for posting.` })]);
    const posting = refusal(await qad.write("customerInvoices", INVOICE_VIEW, [invoice({ dInvoicePostingDate: `${YEAR}-06-30` })]));
    expect(posting[0]).toMatchObject({ fieldName: "DInvoicePostingDate", code: "4" });
    const July = saved(await qad.write("customerInvoices", INVOICE_VIEW, [invoice({ dInvoicePostingDate: `${YEAR}-07-01` })]), "customerInvoices");
    expect(July).toMatchObject({ periodPeriod: 7, dInvoiceDate: DATE });
    const outside = refusal(await qad.write("customerInvoices", INVOICE_VIEW, [invoice({ dInvoiceDate: "1999-01-05" })]));
    expect(outside[0]!.message).toContain("No GL period");
  });

  it("stores a second invoice with the same reference (listed by duplicates) unless the tenant refuses them", async () => {
    saved(await qad.write("customerInvoices", INVOICE_VIEW, [invoice()]), "customerInvoices");
    saved(await qad.write("customerInvoices", INVOICE_VIEW, [invoice({ dInvoiceReference: "inv00000001" })]), "customerInvoices");
    expect(await qad.sandbox.control.qad.duplicates()).toEqual([
      { collection: "customerInvoices", reference: "inv00000001", count: 2, vouchers: [`${YEAR}/SINV/000001`, `${YEAR}/SINV/000002`] },
    ]);
    await qad.sandbox.control.qad.updateSettings({ duplicateReferences: "reject" });
    const third = refusal(await qad.write("customerInvoices", INVOICE_VIEW, [invoice()]));
    expect(third).toEqual([expect.objectContaining({ fieldName: "DInvoiceReference", code: "6" })]);
  });

  it("answers a wrong viewUri, an unknown collection and a body without the collection array", async () => {
    const view = await qad.call("POST", `/api/erp/customerInvoices?viewUri=${PAYMENT_VIEW}`, { body: { customerInvoices: [invoice()] } });
    expect(view.status).toBe(400);
    expectEnvelope("bareErrorsEnvelope", view.body);
    const unknown = await qad.call("POST", `/api/erp/journalEntries?viewUri=urn:be:x`, { body: { journalEntries: [{}] } });
    expect(unknown.status).toBe(404);
    expectEnvelope("bareErrorsEnvelope", unknown.body);
    const empty = refusal(await qad.call("POST", `/api/erp/customerInvoices?viewUri=${INVOICE_VIEW}`, { body: { supplementaryMessages: [] } }));
    expect(empty[0]).toMatchObject({ fieldName: "CustomerInvoices", code: "1" });
  });
});

describe("receipts and adjustments applied to invoices", () => {
  it("keeps open balances per invoice and per customer as receipts and credit notes are allocated", async () => {
    const first = saved(await qad.write("customerInvoices", INVOICE_VIEW, [invoice()]), "customerInvoices");
    saved(await qad.write("customerInvoices", INVOICE_VIEW, [invoice({ dInvoiceReference: "INV00000002", customerInvoiceLines: [{ glCode: "40200", amountTC: 200 }] })]), "customerInvoices");

    const payment = saved(
      await qad.write("customerPayments", PAYMENT_VIEW, [
        receipt({
          dDocumentAmountTC: 150,
          customerPaymentAllocations: [
            { dInvoiceVoucher: first.dInvoiceVoucher, dDocumentInvoiceXrefAlloTC: 108.5 },
            { dInvoiceReference: "INV00000002", dDocumentInvoiceXrefAlloTC: 20 },
          ],
        }),
      ]),
      "customerPayments",
    );
    expect(payment).toMatchObject({ dDocumentVoucher: `${YEAR}/BANK/000001`, dDocumentAmountTC: 150, dDocumentUnallocatedTC: 21.5 });

    const inactive = refusal(
      await qad.write("customerAdjustments", ADJUSTMENT_VIEW, [
        { customerCode: "ACME", dInvoiceReference: "CM00000001", dInvoiceDate: DATE, currencyCode: "USD", customerAdjustmentLines: [{ glCode: "49000", amountTC: 30 }] },
      ]),
    );
    expect(inactive[0]).toMatchObject({ fieldName: "GLCode", code: "3" });
    const adjustment = saved(
      await qad.write("customerAdjustments", ADJUSTMENT_VIEW, [
        {
          customerCode: "ACME",
          dInvoiceReference: "CM00000001",
          dInvoiceDate: DATE,
          currencyCode: "USD",
          customerAdjustmentLines: [{ glCode: "40200", amountTC: 30 }],
          customerAdjustmentAllocations: [{ dInvoiceReference: "INV00000002", allocatedAmountTC: 25 }],
        },
      ]),
      "customerAdjustments",
    );
    expect(adjustment).toMatchObject({ dInvoiceType: "CREDITNOTE", dInvoiceOriginalCreditTC: 30, dInvoiceUnallocatedTC: 5 });

    expect(await qad.sandbox.control.qad.invoiceBalances({ customer: "ACME" })).toEqual([
      expect.objectContaining({ dInvoiceReference: "INV00000001", originalAmount: 108.5, openBalance: 0, isOpen: false }),
      expect.objectContaining({ dInvoiceReference: "INV00000002", originalAmount: 200, openBalance: 155, isOpen: true }),
    ]);
    expect(await qad.sandbox.control.qad.customerBalances({ customer: "acme" })).toEqual([
      { customerCode: "ACME", currencyCode: "USD", openBalance: 155, openInvoices: 1, invoices: 2, unallocatedReceipts: 21.5, unallocatedAdjustments: 5 },
    ]);
  });

  it("refuses allocations beyond an invoice's open balance or the receipt amount, and to another customer's invoice", async () => {
    const inv = saved(await qad.write("customerInvoices", INVOICE_VIEW, [invoice()]), "customerInvoices");
    const over = refusal(await qad.write("customerPayments", PAYMENT_VIEW, [receipt({ dDocumentAmountTC: 500, customerPaymentAllocations: [{ dInvoiceVoucher: inv.dInvoiceVoucher, dDocumentInvoiceXrefAlloTC: 108.51 }] })]));
    expect(over).toEqual([expect.objectContaining({ fieldName: "DDocumentInvoiceXrefAlloTC", code: "5" })]);
    const beyond = refusal(await qad.write("customerPayments", PAYMENT_VIEW, [receipt({ dDocumentAmountTC: 10, customerPaymentAllocations: [{ dInvoiceVoucher: inv.dInvoiceVoucher, dDocumentInvoiceXrefAlloTC: 20 }] })]));
    expect(beyond).toEqual([expect.objectContaining({ fieldName: "DDocumentAmountTC", code: "5" })]);
    const other = refusal(
      await qad.write("customerPayments", PAYMENT_VIEW, [
        receipt({ customerCode: "CEDAR", currencyCode: "EUR", bankGLCode: "10250", customerPaymentAllocations: [{ dInvoiceVoucher: inv.dInvoiceVoucher, dDocumentInvoiceXrefAlloTC: 5 }] }),
      ]),
    );
    expect(other[0]).toMatchObject({ fieldName: "DInvoiceVoucher", code: "8" });
    const byRef = refusal(await qad.write("customerPayments", PAYMENT_VIEW, [receipt({ customerPaymentAllocations: [{ dInvoiceReference: "INV-NONE", dDocumentInvoiceXrefAlloTC: 5 }] })]));
    expect(byRef[0]).toMatchObject({ fieldName: "DInvoiceReference", code: "2" });
    expect((await qad.sandbox.control.qad.invoiceBalances())[0]!.openBalance).toBe(108.5);
    expect(await qad.sandbox.control.qad.documents("customerPayments")).toEqual([]);
  });

  it("refuses a receipt to a non-bank account or a bank in another currency", async () => {
    const nonBank = refusal(await qad.write("customerPayments", PAYMENT_VIEW, [receipt({ bankGLCode: "40100" })]));
    expect(nonBank[0]).toMatchObject({ fieldName: "BankGLCode", code: "8" });
    const currency = refusal(await qad.write("customerPayments", PAYMENT_VIEW, [receipt({ bankGLCode: "10250" })]));
    expect(currency[0]!.message).toContain("is in EUR");
    const unknownCustomer = refusal(await qad.write("customerPayments", PAYMENT_VIEW, [receipt({ customerCode: "A0000001" })]));
    expect(unknownCustomer[0]).toMatchObject({ fieldName: "CustomerCode", code: "2" });
  });
});

describe("customers (customerV2s)", () => {
  it("creates, reads back by code and updates a customer; an over-long code or search name is refused", async () => {
    const created = saved(
      await qad.write("customerV2s", CUSTOMER_VIEW, [{ customerCode: "10000042", businessRelationName: "Zenith Media LLC", currencyCode: "USD", sharedSetCode: "10USA" }]),
      "customerV2s",
    );
    expect(created).toMatchObject({ uri: "urn:be:com.qad.base.customer.ICustomerV2:10USA.10000042", isActive: true, addressSearchName: "Zenith Media LLC" });
    saved(await qad.write("customerV2s", CUSTOMER_VIEW, [{ customerCode: "10000042", isActive: false }]), "customerV2s");
    const read = await qad.call("GET", `/api/erp/customerV2s?sharedSetCode=10USA&customerCode=10000042&viewUri=${CUSTOMER_VIEW}`);
    expectEnvelope("entityReadResponse", read.body);
    expect((read.body.data as { customerV2s: Record<string, unknown>[] }).customerV2s[0]).toMatchObject({ businessRelationName: "Zenith Media LLC", isActive: false });
    const errors = refusal(await qad.write("customerV2s", CUSTOMER_VIEW, [{ customerCode: "A00000042", businessRelationName: "X", currencyCode: "USD", addressSearchName: "S".repeat(29) }]));
    expect(errors.map((e) => [e.fieldName, e.message])).toEqual([
      ["CustomerCode", "Field length should be less than 9."],
      ["AddressSearchName", "Field length should be less than 29."],
    ]);
  });
});
