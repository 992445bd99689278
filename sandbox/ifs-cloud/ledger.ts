/**
 * The finance rules of the sandbox's IFS company: master data (companies, accounts, code part values, accounting
 * years and monthly periods, voucher types) seeded through the control API, and GL vouchers with their rows.
 * A voucher is refused, as IFS's PL/SQL layer refuses it (DATABASE_ERROR, see errors.ts), when a row lacks
 * company, account, currency or a required cost center (code part B), names something that does not exist or
 * is not valid on the voucher date, when its period is closed or missing, and when debits differ from credits.
 */
import { z } from "zod";
import { databaseError } from "./errors";
import type { KindName } from "./model";
import { type StoredRecord, Tables, type Values } from "./tables";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");

export const seedCompanySchema = z.strictObject({
  Company: z.string().min(1).max(20),
  Name: z.string().min(1),
  CurrencyCode: z.string().length(3),
  CountryCode: z.string().length(2).optional(),
  accounts: z
    .array(
      z.strictObject({
        Account: z.string().min(1).max(20),
        Description: z.string().optional(),
        LogicalAccountType: z.enum(["Asset", "Liability", "Revenue", "Cost", "Equity", "Statistics"]).optional(),
        AccntGroup: z.string().optional(),
        CodeBDemand: z.enum(["Required", "Allowed", "Blocked"]).optional(),
        ValidFrom: isoDate.optional(),
        ValidUntil: isoDate.optional(),
      }),
    )
    .optional(),
  /** Code part values; `CodePart` "B" (the default) is the cost center. */
  codePartValues: z
    .array(
      z.strictObject({
        CodePart: z.enum(["B", "C", "D", "E", "F", "G", "H", "I", "J"]).default("B"),
        CodePartValue: z.string().min(1).max(20),
        Description: z.string().optional(),
        ValidFrom: isoDate.optional(),
        ValidUntil: isoDate.optional(),
      }),
    )
    .optional(),
  /** Accounting years, each with twelve calendar-month periods; `closedPeriods` lists the closed ones (1-12). */
  years: z.array(z.strictObject({ AccountingYear: z.number().int().min(1990).max(2100), closedPeriods: z.array(z.number().int().min(1).max(12)).optional() })).optional(),
  voucherTypes: z.array(z.strictObject({ VoucherType: z.string().min(1).max(3), Description: z.string().optional(), FunctionGroup: z.string().optional() })).optional(),
});
export type IfsSeedCompany = z.input<typeof seedCompanySchema>;

export const seedSchema = z.strictObject({ companies: z.array(seedCompanySchema) });
export type IfsSeed = z.input<typeof seedSchema>;

export const periodStatusSchema = z.strictObject({
  Company: z.string().min(1),
  AccountingYear: z.number().int(),
  AccountingPeriod: z.number().int().min(1).max(12),
  PeriodStatus: z.enum(["Open", "Closed"]),
});

const FAR_PAST = "1900-01-01";
const FAR_FUTURE = "9999-12-31";
const CODE_PART_NAMES: Record<string, string> = { B: "Cost Center", C: "Code C", D: "Code D", E: "Code E", F: "Code F", G: "Code G", H: "Code H", I: "Code I", J: "Code J" };

const cents = (value: unknown) => (typeof value === "number" ? Math.round(value * 100) : 0);
const money = (c: number) => (c / 100).toFixed(2);
const round2 = (value: number) => Math.round(value * 100) / 100;
const present = (value: unknown) => value !== null && value !== undefined && value !== "";
const upperSnake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

export type VoucherWithRows = { [property: string]: unknown; VoucherRowArray: Values[] };

export class Ledger {
  readonly tables: Tables;
  private sequences = new Map<string, number>();
  /** keyrefs of records another session holds locked: writes answer 423. */
  readonly locks = new Set<string>();

  constructor(private readonly now: () => Date) {
    this.tables = new Tables(now);
  }

  reset() {
    this.tables.clear();
    this.sequences.clear();
    this.locks.clear();
  }

  seed(input: IfsSeed) {
    const { companies } = seedSchema.parse(input);
    for (const c of companies) {
      this.tables.put("company", { Company: c.Company, Name: c.Name, CurrencyCode: c.CurrencyCode, CountryCode: c.CountryCode ?? null });
      for (const a of c.accounts ?? []) {
        this.tables.put("account", {
          Company: c.Company,
          Account: a.Account,
          Description: a.Description ?? a.Account,
          LogicalAccountType: a.LogicalAccountType ?? null,
          AccntGroup: a.AccntGroup ?? null,
          CodeBDemand: a.CodeBDemand ?? "Required",
          ValidFrom: a.ValidFrom ?? FAR_PAST,
          ValidUntil: a.ValidUntil ?? FAR_FUTURE,
        });
      }
      for (const v of c.codePartValues ?? []) {
        this.tables.put("codePartValue", {
          Company: c.Company,
          CodePart: v.CodePart,
          CodePartValue: v.CodePartValue,
          Description: v.Description ?? v.CodePartValue,
          ValidFrom: v.ValidFrom ?? FAR_PAST,
          ValidUntil: v.ValidUntil ?? FAR_FUTURE,
        });
      }
      for (const y of c.years ?? []) {
        this.tables.put("accountingYear", { Company: c.Company, AccountingYear: y.AccountingYear, Description: String(y.AccountingYear) });
        for (let p = 1; p <= 12; p += 1) {
          const from = `${y.AccountingYear}-${String(p).padStart(2, "0")}-01`;
          const until = new Date(Date.UTC(y.AccountingYear, p, 0)).toISOString().slice(0, 10);
          this.tables.put("accountingPeriod", {
            Company: c.Company,
            AccountingYear: y.AccountingYear,
            AccountingPeriod: p,
            Description: `${y.AccountingYear}-${String(p).padStart(2, "0")}`,
            DateFrom: from,
            DateUntil: until,
            PeriodStatus: y.closedPeriods?.includes(p) ? "Closed" : "Open",
          });
        }
      }
      for (const t of c.voucherTypes ?? []) {
        this.tables.put("voucherType", { Company: c.Company, VoucherType: t.VoucherType, Description: t.Description ?? t.VoucherType, FunctionGroup: t.FunctionGroup ?? "M", Ledger: "GL" });
      }
    }
  }

  setPeriodStatus(input: z.input<typeof periodStatusSchema>) {
    const p = periodStatusSchema.parse(input);
    const record = this.tables.find("accountingPeriod", p);
    if (!record) throw Object.assign(new Error(`no period ${p.AccountingYear}-${p.AccountingPeriod} in company ${p.Company}`), { statusCode: 404 });
    this.tables.update(record, { PeriodStatus: p.PeriodStatus });
  }

  // ---- vouchers -------------------------------------------------------------------------------------------

  private requireCompany(company: unknown): StoredRecord {
    if (!present(company)) throw databaseError("Voucher", "NULLVALUE", "Field [COMPANY] is mandatory for Voucher.");
    const record = this.tables.find("company", { Company: company });
    if (!record) throw databaseError("CompanyFinance", "NOTEXIST", `The company ${String(company)} does not exist.`, 20111);
    return record;
  }

  /** The open period of `date` in `company`, or the IFS refusal. */
  private openPeriod(company: string, date: string): StoredRecord {
    const period = (this.tables.lookup("accountingPeriod", "Company", company) ?? []).find(
      (p) => (p.values.DateFrom as string) <= date && date <= (p.values.DateUntil as string),
    );
    if (!period) throw databaseError("AccountingPeriod", "NOPERIOD", `No accounting period exists for date ${date} in company ${company}.`);
    if (period.values.PeriodStatus !== "Open") {
      throw databaseError(
        "Voucher",
        "PERIODCLOSED",
        `Accounting period ${String(period.values.AccountingYear)}-${String(period.values.AccountingPeriod).padStart(2, "0")} is closed in company ${company}.`,
      );
    }
    return period;
  }

  /** Checks a row against the voucher header and master data; returns it with accounting-currency amounts. */
  private checkRow(header: Values, companyCurrency: string, row: Values): Values {
    const company = header.Company as string;
    const date = header.VoucherDate as string;
    const mandatory = (field: string) => {
      if (!present(row[field])) throw databaseError("VoucherRow", "NULLVALUE", `Field [${upperSnake(field)}] is mandatory for Voucher Row.`);
    };
    mandatory("Company");
    if (row.Company !== company) throw databaseError("VoucherRow", "WRONGCOMPANY", `Company ${String(row.Company)} on the row differs from company ${company} of the voucher.`);
    mandatory("Account");
    const account = this.tables.find("account", { Company: company, Account: row.Account });
    if (!account) throw databaseError("Account", "NOTEXIST", `Account ${String(row.Account)} does not exist in company ${company}.`, 20111);
    if (date < (account.values.ValidFrom as string) || date > (account.values.ValidUntil as string)) {
      throw databaseError("Account", "NOTVALID", `Account ${String(row.Account)} is not valid on ${date}.`);
    }
    const demand = account.values.CodeBDemand;
    if (demand === "Required" && !present(row.CodeB)) {
      throw databaseError("VoucherRow", "CODEPARTREQUIRED", `Code part B (Cost Center) must have a value for account ${String(row.Account)}.`);
    }
    if (demand === "Blocked" && present(row.CodeB)) {
      throw databaseError("VoucherRow", "CODEPARTBLOCKED", `Code part B (Cost Center) must not have a value for account ${String(row.Account)}.`);
    }
    for (const part of ["B", "C", "D", "E", "F", "G", "H", "I", "J"]) {
      const value = row[`Code${part}`];
      if (!present(value)) continue;
      const codePart = this.tables.find("codePartValue", { Company: company, CodePart: part, CodePartValue: value });
      if (!codePart) throw databaseError("AccountingCodePartValue", "NOTEXIST", `${CODE_PART_NAMES[part]} ${String(value)} does not exist in company ${company}.`, 20111);
      if (date < (codePart.values.ValidFrom as string) || date > (codePart.values.ValidUntil as string)) {
        throw databaseError("AccountingCodePartValue", "NOTVALID", `${CODE_PART_NAMES[part]} ${String(value)} is not valid on ${date}.`);
      }
    }
    mandatory("CurrencyCode");
    const debit = row.CurrencyDebetAmount;
    const credit = row.CurrencyCreditAmount;
    if (!present(debit) && !present(credit)) throw databaseError("VoucherRow", "NOAMOUNT", "Debit or credit amount must be entered.");
    if (present(debit) && present(credit)) throw databaseError("VoucherRow", "DEBETCREDIT", "Both debit and credit amounts cannot be entered on the same row.");
    const out: Values = { ...row };
    if (row.CurrencyCode === companyCurrency) {
      const rate = row.CurrencyRate ?? 1;
      if (rate !== 1) throw databaseError("VoucherRow", "RATEACCCURR", `Currency rate must be 1 for the accounting currency ${companyCurrency}.`);
      for (const [cur, acc] of [["CurrencyDebetAmount", "DebetAmount"], ["CurrencyCreditAmount", "CreditAmount"]] as const) {
        if (present(row[acc]) && cents(row[acc]) !== cents(row[cur])) {
          throw databaseError("VoucherRow", "AMOUNTDIFF", `Amount in accounting currency must equal the amount in ${companyCurrency}.`);
        }
        out[acc] = present(row[cur]) ? round2(row[cur] as number) : null;
      }
      out.CurrencyRate = 1;
    } else {
      const rate = row.CurrencyRate;
      const given = present(row.DebetAmount) || present(row.CreditAmount);
      if (!given && !(typeof rate === "number" && rate > 0)) {
        throw databaseError("VoucherRow", "NORATE", `No currency rate found for currency ${String(row.CurrencyCode)} in company ${company}.`);
      }
      for (const [cur, acc] of [["CurrencyDebetAmount", "DebetAmount"], ["CurrencyCreditAmount", "CreditAmount"]] as const) {
        if (!present(row[cur])) {
          if (present(row[acc])) throw databaseError("VoucherRow", "AMOUNTSIDE", "Debit and credit must be on the same side in both currencies.");
          out[acc] = null;
        } else if (!present(row[acc])) {
          out[acc] = round2((row[cur] as number) * (rate as number));
        }
      }
    }
    for (const field of ["CurrencyDebetAmount", "CurrencyCreditAmount", "DebetAmount", "CreditAmount"]) {
      if (typeof out[field] === "number") out[field] = round2(out[field] as number);
    }
    return out;
  }

  private checkBalance(rows: Values[]) {
    if (rows.length === 0) throw databaseError("Voucher", "NOROWS", "The voucher has no voucher rows.");
    let debit = 0;
    let credit = 0;
    for (const row of rows) {
      debit += cents(row.DebetAmount);
      credit += cents(row.CreditAmount);
    }
    if (debit !== credit) {
      throw databaseError("Voucher", "NOTBALANCED", `The voucher is not balanced. Total debit ${money(debit)} differs from total credit ${money(credit)}.`);
    }
    const currencies = new Set(rows.map((r) => r.CurrencyCode));
    if (currencies.size === 1) {
      const cd = rows.reduce((sum, r) => sum + cents(r.CurrencyDebetAmount), 0);
      const cc = rows.reduce((sum, r) => sum + cents(r.CurrencyCreditAmount), 0);
      if (cd !== cc) {
        throw databaseError("Voucher", "NOTBALANCEDCURR", `The voucher is not balanced in currency ${String([...currencies][0])}: debit ${money(cd)}, credit ${money(cc)}.`);
      }
    }
  }

  /**
   * POST of a voucher. With rows (deep insert) the whole voucher is checked and saved Confirmed, or nothing is
   * saved; without rows it is saved Waiting, rows are added through the navigation and `Confirm` completes it.
   */
  createVoucher(header: Values, rows: Values[] | undefined): StoredRecord {
    const company = this.requireCompany(header.Company);
    const companyId = company.values.Company as string;
    if (!present(header.VoucherType)) throw databaseError("Voucher", "NULLVALUE", "Field [VOUCHER_TYPE] is mandatory for Voucher.");
    if (!this.tables.find("voucherType", { Company: companyId, VoucherType: header.VoucherType })) {
      throw databaseError("VoucherType", "NOTEXIST", `Voucher type ${String(header.VoucherType)} does not exist in company ${companyId}.`, 20111);
    }
    if (!present(header.VoucherDate)) throw databaseError("Voucher", "NULLVALUE", "Field [VOUCHER_DATE] is mandatory for Voucher.");
    const period = this.openPeriod(companyId, header.VoucherDate as string);
    const year = period.values.AccountingYear as number;
    if (present(header.AccountingYear) && header.AccountingYear !== year) {
      throw databaseError("Voucher", "WRONGYEAR", `Voucher date ${String(header.VoucherDate)} is not in accounting year ${String(header.AccountingYear)}.`);
    }
    const currency = company.values.CurrencyCode as string;
    const base: Values = {
      ...header,
      Company: companyId,
      AccountingYear: year,
      YearPeriod: period.values.AccountingPeriod as number,
      VoucherNo: 0,
      Objstate: "Waiting",
      DateReg: this.now().toISOString(),
    };
    const checked = rows?.map((row) => this.checkRow(base, currency, row));
    if (checked) this.checkBalance(checked);
    const seqKey = `${companyId}\u0001${String(header.VoucherType)}\u0001${year}`;
    const voucherNo = (this.sequences.get(seqKey) ?? 0) + 1;
    this.sequences.set(seqKey, voucherNo);
    const voucher = this.tables.put("voucher", { ...base, VoucherNo: voucherNo, Objstate: checked ? "Confirmed" : "Waiting" });
    checked?.forEach((row, i) => this.putRow(voucher, row, i + 1));
    return voucher;
  }

  private putRow(voucher: StoredRecord, row: Values, rowNo: number): StoredRecord {
    const v = voucher.values;
    return this.tables.put("voucherRow", {
      ...row,
      Company: v.Company ?? null,
      AccountingYear: v.AccountingYear ?? null,
      VoucherType: v.VoucherType ?? null,
      VoucherNo: v.VoucherNo ?? null,
      RowNo: rowNo,
      YearPeriod: v.YearPeriod ?? null,
    });
  }

  rowsOf(voucher: StoredRecord): StoredRecord[] {
    const v = voucher.values;
    const rows: StoredRecord[] = [];
    for (let rowNo = 1; ; rowNo += 1) {
      const row = this.tables.find("voucherRow", { Company: v.Company, AccountingYear: v.AccountingYear, VoucherType: v.VoucherType, VoucherNo: v.VoucherNo, RowNo: rowNo });
      if (!row) return rows;
      rows.push(row);
    }
  }

  private requireWaiting(voucher: StoredRecord, what: string) {
    if (voucher.values.Objstate !== "Waiting") {
      throw databaseError("Voucher", "NOTWAITING", `${what} is not allowed: voucher ${String(voucher.values.VoucherType)} ${String(voucher.values.VoucherNo)} is ${String(voucher.values.Objstate)}.`);
    }
  }

  addRow(voucher: StoredRecord, row: Values): StoredRecord {
    this.requireWaiting(voucher, "Adding rows");
    const company = this.tables.find("company", { Company: voucher.values.Company })!;
    this.openPeriod(voucher.values.Company as string, voucher.values.VoucherDate as string);
    const checked = this.checkRow(voucher.values, company.values.CurrencyCode as string, row);
    const saved = this.putRow(voucher, checked, this.rowsOf(voucher).length + 1);
    // A new row changes the voucher: its objversion (and so its ETag) moves on.
    this.tables.update(voucher, {});
    return saved;
  }

  updateVoucher(voucher: StoredRecord, changes: Values): StoredRecord {
    this.requireWaiting(voucher, "Modifying");
    return this.tables.update(voucher, changes);
  }

  deleteVoucher(voucher: StoredRecord) {
    this.requireWaiting(voucher, "Removing");
    for (const row of this.rowsOf(voucher)) this.tables.remove(row);
    this.tables.remove(voucher);
  }

  /** Bound actions of Voucher. */
  act(voucher: StoredRecord, action: string): StoredRecord {
    if (action === "Confirm") {
      this.requireWaiting(voucher, "Confirming");
      this.openPeriod(voucher.values.Company as string, voucher.values.VoucherDate as string);
      this.checkBalance(this.rowsOf(voucher).map((r) => r.values));
      return this.tables.update(voucher, { Objstate: "Confirmed" });
    }
    this.requireWaiting(voucher, "Cancelling");
    return this.tables.update(voucher, { Objstate: "Cancelled" });
  }

  // ---- control views --------------------------------------------------------------------------------------

  vouchers(): VoucherWithRows[] {
    return [...this.tables.all("voucher")].map((v) => ({ ...v.values, VoucherRowArray: this.rowsOf(v).map((r) => r.values) }));
  }

  /** Vouchers (not cancelled) whose rows share a ReferenceNumber in one company: should be empty. */
  duplicates(): { company: string; referenceNumber: string; vouchers: string[] }[] {
    const byReference = new Map<string, Set<string>>();
    for (const row of this.tables.all("voucherRow")) {
      const r = row.values;
      if (!present(r.ReferenceNumber)) continue;
      const voucher = this.tables.find("voucher", r);
      if (!voucher || voucher.values.Objstate === "Cancelled") continue;
      const key = `${String(r.Company)}\u0001${String(r.ReferenceNumber)}`;
      let set = byReference.get(key);
      if (!set) byReference.set(key, (set = new Set()));
      set.add(`${String(r.VoucherType)} ${String(r.AccountingYear)}-${String(r.VoucherNo)}`);
    }
    return [...byReference]
      .filter(([, set]) => set.size > 1)
      .map(([key, set]) => {
        const [company = "", referenceNumber = ""] = key.split("\u0001");
        return { company, referenceNumber, vouchers: [...set] };
      });
  }

  counts(): Record<KindName, number> {
    const kinds: KindName[] = ["company", "account", "codePartValue", "accountingYear", "accountingPeriod", "voucherType", "voucher", "voucherRow"];
    return Object.fromEntries(kinds.map((k) => [k, this.tables.count(k)])) as Record<KindName, number>;
  }

  snapshot() {
    return { tables: this.tables.snapshot(), sequences: [...this.sequences], locks: [...this.locks] };
  }

  restore(snapshot: ReturnType<Ledger["snapshot"]>) {
    this.tables.restore(snapshot.tables);
    this.sequences = new Map(snapshot.sequences);
    this.locks.clear();
    for (const l of snapshot.locks) this.locks.add(l);
  }
}
