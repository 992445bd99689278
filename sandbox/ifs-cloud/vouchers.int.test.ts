import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoiceVoucher, startIfs, type TestIfs, today } from "./test-support";

type Voucher = { "@odata.etag": string; Company: string; AccountingYear: number; VoucherType: string; VoucherNo: number; Objstate: string; YearPeriod: number };
type ErrorBody = { error: { code?: string; message: string; details?: { code: string; message: string }[] } };
type Collection = { value: Record<string, unknown>[] };

const SVC = "/ManualVoucherHandling.svc";
const keyOf = (v: Pick<Voucher, "Company" | "AccountingYear" | "VoucherType" | "VoucherNo">) =>
  `${SVC}/Vouchers(Company='${v.Company}',AccountingYear=${v.AccountingYear},VoucherType='${v.VoucherType}',VoucherNo=${v.VoucherNo})`;
const confirm = (v: Voucher) => `${keyOf(v)}/IfsApp.ManualVoucherHandling.Voucher_Confirm`;
const year = new Date().getUTCFullYear();

describe("IFS GL vouchers (assumed ManualVoucherHandling projection)", () => {
  let ifs: TestIfs;
  beforeAll(async () => {
    ifs = await startIfs();
  });
  afterAll(() => ifs.close());

  const refused = async (body: unknown) => {
    const before = (await ifs.sandbox.control.ifsCloud.counts()).voucher;
    const res = await ifs.api("POST", `${SVC}/Vouchers`, body);
    expect((await ifs.sandbox.control.ifsCloud.counts()).voucher).toBe(before);
    expect(res.status).toBe(400);
    const error = (res.body as ErrorBody).error;
    expect(error.code).toBe("DATABASE_ERROR");
    return error.details![0]!.message;
  };

  it("creates a balanced voucher with its rows in one POST: 201, numbered, Confirmed, rows in accounting currency", async () => {
    const res = await ifs.api("POST", `${SVC}/Vouchers`, invoiceVoucher(today(), "INV00000001", 1200.5));
    expect(res.status).toBe(201);
    const voucher = res.body as Voucher;
    expect(voucher).toMatchObject({ Company: "10", AccountingYear: year, VoucherType: "I", VoucherNo: 1, Objstate: "Confirmed", YearPeriod: new Date().getUTCMonth() + 1, luname: "Voucher" });
    expect(res.headers.get("location")).toBe(`${ifs.projections}${keyOf(voucher)}`);
    expect(res.headers.get("etag")).toBe(voucher["@odata.etag"]);
    const rows = (await ifs.api("GET", `${keyOf(voucher)}/VoucherRowArray`)).body as Collection;
    expect(rows.value.map((r) => [r.RowNo, r.Account, r.CodeB, r.DebetAmount, r.CreditAmount, r.CurrencyRate])).toEqual([
      [1, "1510", "100", 1200.5, null, 1],
      [2, "3010", "100", null, 1200.5, 1],
    ]);
    const second = (await ifs.api("POST", `${SVC}/Vouchers`, invoiceVoucher(today(), "INV00000002"))).body as Voucher;
    expect(second.VoucherNo).toBe(2);
  });

  it("converts a foreign-currency row with its rate and balances in accounting currency", async () => {
    const res = await ifs.api("POST", `${SVC}/Vouchers`, {
      Company: "20",
      VoucherType: "I",
      VoucherDate: today(),
      VoucherRowArray: [
        { Company: "20", Account: "1510", CodeB: "100", CurrencyCode: "USD", CurrencyRate: 0.9, CurrencyDebetAmount: 100, ReferenceNumber: "INV-FX" },
        { Company: "20", Account: "3010", CodeB: "100", CurrencyCode: "USD", CurrencyRate: 0.9, CurrencyCreditAmount: 100, ReferenceNumber: "INV-FX" },
      ],
    });
    expect(res.status).toBe(201);
    const rows = (await ifs.api("GET", `${keyOf(res.body as Voucher)}/VoucherRowArray`)).body as Collection;
    expect(rows.value.map((r) => [r.CurrencyDebetAmount, r.DebetAmount, r.CurrencyCreditAmount, r.CreditAmount])).toEqual([
      [100, 90, null, null],
      [null, null, 100, 90],
    ]);
    const noRate = await refused({
      Company: "20",
      VoucherType: "I",
      VoucherDate: today(),
      VoucherRowArray: [{ Company: "20", Account: "1510", CurrencyCode: "USD", CurrencyDebetAmount: 100 }],
    });
    expect(noRate).toBe("ORA-20110: VoucherRow.NORATE: No currency rate found for currency USD in company 20.");
  });

  it("refuses an unbalanced voucher and saves nothing", async () => {
    const message = await refused(
      invoiceVoucher(today(), "INV-UNBAL", 100, {
        rows: [
          { Company: "10", Account: "1510", CodeB: "100", CurrencyCode: "USD", CurrencyDebetAmount: 100, ReferenceNumber: "INV-UNBAL" },
          { Company: "10", Account: "3010", CodeB: "100", CurrencyCode: "USD", CurrencyCreditAmount: 99.99, ReferenceNumber: "INV-UNBAL" },
        ],
      }),
    );
    expect(message).toBe("ORA-20110: Voucher.NOTBALANCED: The voucher is not balanced. Total debit 100.00 differs from total credit 99.99.");
    expect((await ifs.api("GET", `${SVC}/VoucherRows?$filter=ReferenceNumber eq 'INV-UNBAL'`)).body).toMatchObject({ value: [] });
  });

  it("refuses a row without company, account or required cost center, and with unknown or invalid master data", async () => {
    const row = { Company: "10", Account: "3010", CodeB: "100", CurrencyCode: "USD", CurrencyCreditAmount: 10 };
    const debit = { Company: "10", Account: "1510", CurrencyCode: "USD", CurrencyDebetAmount: 10 };
    const voucher = (credit: Record<string, unknown>) => invoiceVoucher(today(), "X", 10, { rows: [debit, credit] });
    const { Company: _c, ...noCompany } = row;
    const { Account: _a, ...noAccount } = row;
    const { CodeB: _b, ...noCostCenter } = row;
    expect(await refused(voucher(noCompany))).toBe("ORA-20110: VoucherRow.NULLVALUE: Field [COMPANY] is mandatory for Voucher Row.");
    expect(await refused(voucher({ ...row, Company: "20" }))).toMatch(/^ORA-20110: VoucherRow.WRONGCOMPANY:/);
    expect(await refused(voucher(noAccount))).toBe("ORA-20110: VoucherRow.NULLVALUE: Field [ACCOUNT] is mandatory for Voucher Row.");
    expect(await refused(voucher(noCostCenter))).toBe("ORA-20110: VoucherRow.CODEPARTREQUIRED: Code part B (Cost Center) must have a value for account 3010.");
    expect(await refused(voucher({ ...row, Account: "9999" }))).toBe("ORA-20111: Account.NOTEXIST: Account 9999 does not exist in company 10.");
    expect(await refused(voucher({ ...row, Account: "3099" }))).toMatch(/^ORA-20110: Account.NOTVALID: Account 3099 is not valid on /);
    expect(await refused(voucher({ ...row, CodeB: "999" }))).toBe("ORA-20111: AccountingCodePartValue.NOTEXIST: Cost Center 999 does not exist in company 10.");
    expect(await refused(voucher({ ...row, CurrencyDebetAmount: 10 }))).toMatch(/^ORA-20110: VoucherRow.DEBETCREDIT:/);
    expect(await refused({ ...voucher(row), VoucherType: "ZZ" })).toBe("ORA-20111: VoucherType.NOTEXIST: Voucher type ZZ does not exist in company 10.");
    expect(await refused({ ...voucher(row), Company: "99" })).toBe("ORA-20111: CompanyFinance.NOTEXIST: The company 99 does not exist.");
    // Balance-sheet accounts of the demo allow a row without cost center.
    expect((await ifs.api("POST", `${SVC}/Vouchers`, voucher(row))).status).toBe(201);
  });

  it("refuses a voucher dated in a closed period or outside the calendar", async () => {
    expect(await refused(invoiceVoucher(`${year - 2}-06-30`, "INV-OLD"))).toBe(`ORA-20110: Voucher.PERIODCLOSED: Accounting period ${year - 2}-06 is closed in company 10.`);
    expect(await refused(invoiceVoucher(`${year + 3}-01-15`, "INV-FUTURE"))).toMatch(/^ORA-20110: AccountingPeriod.NOPERIOD:/);
    await ifs.sandbox.control.ifsCloud.setPeriodStatus({ Company: "10", AccountingYear: year - 1, AccountingPeriod: 12, PeriodStatus: "Closed" });
    expect(await refused(invoiceVoucher(`${year - 1}-12-31`, "INV-DEC"))).toMatch(/PERIODCLOSED/);
    await ifs.sandbox.control.ifsCloud.setPeriodStatus({ Company: "10", AccountingYear: year - 1, AccountingPeriod: 12, PeriodStatus: "Open" });
    expect((await ifs.api("POST", `${SVC}/Vouchers`, invoiceVoucher(`${year - 1}-12-31`, "INV-DEC"))).status).toBe(201);
  });

  it("refuses bodies IFS cannot read: wrong content type, bad JSON, unknown or mistyped properties", async () => {
    const text = await ifs.api("POST", `${SVC}/Vouchers`, JSON.stringify(invoiceVoucher(today(), "X")), { "content-type": "text/plain" });
    expect(text.status).toBe(400);
    expect((text.body as ErrorBody).error).toMatchObject({ code: "ODP_DESERIALIZATION_ERROR", message: "Error while de-serializing contents." });
    expect(((await ifs.api("POST", `${SVC}/Vouchers`, "{not json")).body as ErrorBody).error.code).toBe("ODP_DESERIALIZATION_ERROR");
    const unknown = await ifs.api("POST", `${SVC}/Vouchers`, { ...invoiceVoucher(today(), "X"), Amount: 5 });
    expect((unknown.body as ErrorBody).error.details![0]!.message).toBe("The property 'Amount' does not exist in type 'Voucher'.");
    const typed = await ifs.api("POST", `${SVC}/Vouchers`, { ...invoiceVoucher(today(), "X"), VoucherDate: "31.03.2024" });
    expect((typed.body as ErrorBody).error.code).toBe("ODP_DESERIALIZATION_ERROR");
  });

  it("builds a voucher step by step: header Waiting, rows through the navigation, Confirm with If-Match", async () => {
    const header = await ifs.api("POST", `${SVC}/Vouchers`, { Company: "10", VoucherType: "U", VoucherDate: today(), VoucherText: "Zuora P-00000001", VoucherNo: 777 });
    expect(header.status).toBe(201);
    let voucher = header.body as Voucher;
    expect(voucher.Objstate).toBe("Waiting");
    expect(voucher.VoucherNo).toBe(1); // VoucherNo is not insertable: IFS numbers vouchers itself

    const rowsUrl = `${keyOf(voucher)}/VoucherRowArray`;
    const row1 = await ifs.api("POST", rowsUrl, { Company: "10", Account: "1920", CurrencyCode: "USD", CurrencyDebetAmount: 50, ReferenceNumber: "P-00000001" });
    expect(row1.status).toBe(201);
    expect(row1.body).toMatchObject({ RowNo: 1, VoucherNo: 1, DebetAmount: 50 });

    // Confirming needs If-Match: missing is ODP_MISSING_PRECONDITION (428), stale is 412.
    const missing = await ifs.api("POST", confirm(voucher), undefined);
    expect(missing.status).toBe(428);
    expect((missing.body as ErrorBody).error.code).toBe("ODP_MISSING_PRECONDITION");
    const stale = await ifs.api("POST", confirm(voucher), undefined, { "if-match": voucher["@odata.etag"] });
    expect(stale.status).toBe(412);
    voucher = (await ifs.api("GET", keyOf(voucher))).body as Voucher;
    const unbalanced = await ifs.api("POST", confirm(voucher), undefined, { "if-match": voucher["@odata.etag"] });
    expect((unbalanced.body as ErrorBody).error.details![0]!.code).toBe("Voucher.NOTBALANCED");

    await ifs.api("POST", rowsUrl, { Company: "10", Account: "1510", CurrencyCode: "USD", CurrencyCreditAmount: 50, ReferenceNumber: "P-00000001" });
    voucher = (await ifs.api("GET", keyOf(voucher))).body as Voucher;
    const done = await ifs.api("POST", confirm(voucher), undefined, { "if-match": voucher["@odata.etag"] });
    expect(done.status).toBe(204);
    const confirmed = (await ifs.api("GET", keyOf(voucher))).body as Voucher;
    expect(confirmed.Objstate).toBe("Confirmed");
    expect(confirmed["@odata.etag"]).not.toBe(voucher["@odata.etag"]);

    // A confirmed voucher takes no more rows and cannot be removed.
    expect(((await ifs.api("POST", rowsUrl, { Company: "10", Account: "1510", CurrencyCode: "USD", CurrencyCreditAmount: 1 })).body as ErrorBody).error.details![0]!.code).toBe("Voucher.NOTWAITING");
    const remove = await ifs.api("DELETE", keyOf(confirmed), undefined, { "if-match": confirmed["@odata.etag"] });
    expect(remove.status).toBe(400);
    expect(((await ifs.api("GET", `${SVC}/Vouchers(Company='10',AccountingYear=${year},VoucherType='U',VoucherNo=1)/VoucherRowArray/$count`)).text)).toBe("2");
  });

  it("PATCH and DELETE need If-Match (* skips the check); non-updatable fields are refused", async () => {
    const created = (await ifs.api("POST", `${SVC}/Vouchers`, { Company: "10", VoucherType: "M", VoucherDate: today(), VoucherText: "draft" })).body as Voucher;
    const noPrecondition = await ifs.api("PATCH", keyOf(created), { VoucherText: "changed" });
    expect(noPrecondition.status).toBe(428);
    expect((noPrecondition.body as ErrorBody).error.code).toBe("ODP_MISSING_PRECONDITION");

    const patched = await ifs.api("PATCH", keyOf(created), { VoucherText: "changed" }, { "if-match": created["@odata.etag"] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ VoucherText: "changed" });
    const newTag = (patched.body as Voucher)["@odata.etag"];
    expect(newTag).not.toBe(created["@odata.etag"]);

    const stale = await ifs.api("PATCH", keyOf(created), { VoucherText: "lost update" }, { "if-match": created["@odata.etag"] });
    expect(stale.status).toBe(412);
    expect((stale.body as ErrorBody).error.code).toBe("ODP_PRECONDITION_FAILED");

    const dateChange = await ifs.api("PATCH", keyOf(created), { VoucherDate: "2000-01-01" }, { "if-match": "*" });
    expect((dateChange.body as ErrorBody).error.details![0]!.message).toBe("ORA-20110: Voucher.UPDATE: Field [VoucherDate] is not allowed to be modified.");

    expect((await ifs.api("DELETE", keyOf(created))).status).toBe(428);
    expect((await ifs.api("DELETE", keyOf(created), undefined, { "if-match": "*" })).status).toBe(204);
    expect((await ifs.api("GET", keyOf(created))).status).toBe(404);
  });

  it("answers 412 when another user changed the voucher since it was read (touch, and the seeded staleEtagRate)", async () => {
    const created = (await ifs.api("POST", `${SVC}/Vouchers`, { Company: "10", VoucherType: "M", VoucherDate: today() })).body as Voucher;
    const keys = { Company: "10", AccountingYear: created.AccountingYear, VoucherType: "M", VoucherNo: created.VoucherNo };
    await ifs.sandbox.control.ifsCloud.touch({ entity: "voucher", keys });
    expect((await ifs.api("PATCH", keyOf(created), { VoucherText: "x" }, { "if-match": created["@odata.etag"] })).status).toBe(412);

    await ifs.sandbox.control.ifsCloud.configure({ staleEtagRate: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const current = (await ifs.api("GET", keyOf(created))).body as Voucher;
      statuses.push((await ifs.api("PATCH", keyOf(created), { VoucherText: `edit ${i}` }, { "if-match": current["@odata.etag"] })).status);
    }
    expect(statuses.filter((s) => s === 412).length).toBeGreaterThan(3);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(3);
    // The same seed and settings replay the same decisions.
    await ifs.sandbox.control.ifsCloud.configure({ staleEtagRate: 0.5 });
    const replay: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const current = (await ifs.api("GET", keyOf(created))).body as Voucher;
      replay.push((await ifs.api("PATCH", keyOf(created), { VoucherText: `edit ${i}` }, { "if-match": current["@odata.etag"] })).status);
    }
    expect(replay).toEqual(statuses);
    await ifs.sandbox.control.ifsCloud.configure({ staleEtagRate: 0 });
  });

  it("answers 423 while another user holds the voucher locked", async () => {
    const created = (await ifs.api("POST", `${SVC}/Vouchers`, { Company: "10", VoucherType: "M", VoucherDate: today() })).body as Voucher;
    await ifs.sandbox.control.ifsCloud.lock({ entity: "voucher", keys: { Company: "10", AccountingYear: created.AccountingYear, VoucherType: "M", VoucherNo: created.VoucherNo } });
    const locked = await ifs.api("PATCH", keyOf(created), { VoucherText: "x" }, { "if-match": created["@odata.etag"] });
    expect(locked.status).toBe(423);
    expect((locked.body as ErrorBody).error.code).toBe("ODP_RESOURCE_LOCKED");
    expect((await ifs.api("GET", keyOf(created))).status).toBe(200);
    await ifs.sandbox.control.ifsCloud.unlockAll();
    expect((await ifs.api("PATCH", keyOf(created), { VoucherText: "x" }, { "if-match": created["@odata.etag"] })).status).toBe(200);
  });

  it("finds a voucher by its reference (IFS has no idempotency key) and reports duplicates", async () => {
    const found = (await ifs.api("GET", `${SVC}/VoucherRows?$filter=Company eq '10' and ReferenceNumber eq 'INV00000001'&$select=VoucherNo,RowNo`)).body as Collection;
    expect(found.value.map((r) => [r.VoucherNo, r.RowNo])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(await ifs.sandbox.control.ifsCloud.duplicates()).toEqual([]);
    await ifs.api("POST", `${SVC}/Vouchers`, invoiceVoucher(today(), "INV00000001"));
    expect(await ifs.sandbox.control.ifsCloud.duplicates()).toEqual([{ company: "10", referenceNumber: "INV00000001", vouchers: [`I ${year}-1`, `I ${year}-4`] }]);
  });

  it("serves the finance master data keyed by Company", async () => {
    const periods = (await ifs.api("GET", `/AccountingPeriodsHandling.svc/AccountingPeriodSet?$filter=Company eq '10' and AccountingYear eq ${year - 2} and PeriodStatus eq IfsApp.AccountingPeriodsHandling.PeriodStatus'Closed'&$count=true`)).body as Collection & { "@odata.count": number };
    expect(periods["@odata.count"]).toBe(12);
    const costCenters = (await ifs.api("GET", "/CodePartValuesHandling.svc/AccountingCodePartValueSet?$filter=Company eq '20' and CodePart eq 'B'&$orderby=CodePartValue")).body as Collection;
    expect(costCenters.value.map((v) => v.CodePartValue)).toEqual(["100", "200", "300", "900"]);
    const types = (await ifs.api("GET", "/VoucherTypesHandling.svc/VoucherTypeSet?$filter=Company eq '10'")).body as Collection;
    expect(types.value.map((t) => t.VoucherType)).toEqual(["I", "U", "M"]);
    const company = (await ifs.api("GET", "/CompanyHandling.svc/CompanySet('20')")).body as Record<string, unknown>;
    expect(company).toMatchObject({ Company: "20", CurrencyCode: "EUR", keyref: "COMPANY=20^" });
  });

  it("takes projection and entity-set names from its settings, as a real tenant's differ", async () => {
    await ifs.sandbox.control.ifsCloud.configure({ names: { voucher: { projection: "GenLedVoucherHandling", entitySet: "GenLedVoucherSet" }, voucherRowsNavigation: "VoucherRowsArray" } });
    const old = await ifs.api("GET", `${SVC}/Vouchers`);
    expect(old.status).toBe(404);
    const renamed = await ifs.api("GET", "/GenLedVoucherHandling.svc/GenLedVoucherSet?$filter=Company eq '10'&$top=1");
    expect(renamed.status).toBe(200);
    const v = (renamed.body as Collection).value[0] as Voucher;
    const rows = await ifs.api("GET", `/GenLedVoucherHandling.svc/GenLedVoucherSet(Company='10',AccountingYear=${v.AccountingYear},VoucherType='${v.VoucherType}',VoucherNo=${v.VoucherNo})/VoucherRowsArray`);
    expect(rows.status).toBe(200);
    expect((await ifs.api("GET", "/GenLedVoucherHandling.svc/$metadata")).text).toContain('<Action Name="Voucher_Confirm" IsBound="true">');
    await ifs.sandbox.control.ifsCloud.configure({ names: { voucher: { projection: "ManualVoucherHandling", entitySet: "Vouchers" }, voucherRowsNavigation: "VoucherRowArray" } });
  });

  it("snapshots and restores the ledger, and reset empties it", async () => {
    const snapshot = await ifs.sandbox.control.ifsCloud.snapshot();
    const before = await ifs.sandbox.control.ifsCloud.vouchers();
    await ifs.sandbox.control.ifsCloud.reset();
    expect((await ifs.sandbox.control.ifsCloud.counts()).voucher).toBe(0);
    await ifs.sandbox.control.ifsCloud.restore(snapshot);
    expect(await ifs.sandbox.control.ifsCloud.vouchers()).toEqual(before);
    ifs.forgetToken();
    const next = (await ifs.api("POST", `${SVC}/Vouchers`, invoiceVoucher(today(), "INV-AFTER-RESTORE"))).body as Voucher;
    expect(next.VoucherNo).toBe(Math.max(...before.filter((b) => b.VoucherType === "I" && b.Company === "10").map((b) => Number(b.VoucherNo))) + 1);
  });
});
