import { Table, type Stamped } from "./table";
import type { Customer, CustomerAdjustment, CustomerInvoice, CustomerPayment, GlAccount, GlPeriod, Workspace } from "./types";

/*
 * The tenant's data. Customers and GL accounts live in shared sets; periods, daybooks and documents live in
 * an entity (workspace). Look-ups by code, voucher, reference and customer are map reads; a customer's
 * balance adds up only that customer's documents (found through the customer index), never a scan.
 */

export const round2 = (n: number) => Math.round(n * 100) / 100;

export type WorkspaceData = {
  workspace: Workspace;
  periods: Map<string, GlPeriod>;
  daybooks: { invoice: string; adjustment: string; payment: string };
  invoices: Table<CustomerInvoice>;
  payments: Table<CustomerPayment>;
  adjustments: Table<CustomerAdjustment>;
  /** Next voucher number per `<year>/<daybook>`. */
  voucherCounters: Map<string, number>;
};

export type SharedSetData = { customers: Table<Customer>; glAccounts: Table<GlAccount> };

export const workspaceId = (w: Pick<Workspace, "domainCode" | "entityCode">) => `${w.domainCode}_${w.entityCode}`;
export const periodKey = (year: number, period: number) => `${year}/${String(period).padStart(2, "0")}`;

const documentIndexes = <T extends { customerCode: string }>(reference: (d: T) => string) => ({
  reference: (d: T) => reference(d),
  customerCode: (d: T) => d.customerCode,
});

const newWorkspaceData = (workspace: Workspace): WorkspaceData => ({
  workspace,
  periods: new Map(),
  daybooks: { invoice: "SINV", adjustment: "SCN", payment: "BANK" },
  invoices: new Table<CustomerInvoice>({ ...documentIndexes<CustomerInvoice>((d) => d.dInvoiceReference), dInvoiceVoucher: (d) => d.dInvoiceVoucher }),
  payments: new Table<CustomerPayment>({ ...documentIndexes<CustomerPayment>((d) => d.dDocumentReference), dDocumentVoucher: (d) => d.dDocumentVoucher }),
  adjustments: new Table<CustomerAdjustment>({ ...documentIndexes<CustomerAdjustment>((d) => d.dInvoiceReference), dInvoiceVoucher: (d) => d.dInvoiceVoucher }),
  voucherCounters: new Map(),
});

const newSharedSet = (): SharedSetData => ({
  customers: new Table<Customer>({ customerCode: (c) => c.customerCode, businessRelationName: (c) => c.businessRelationName }),
  glAccounts: new Table<GlAccount>({ glCode: (g) => g.glCode }),
});

/** Monthly periods of `year` (UTC dates). */
export const yearPeriods = (year: number, status: GlPeriod["periodStatus"] = "OPEN"): GlPeriod[] =>
  Array.from({ length: 12 }, (_, i) => ({
    periodYear: year,
    periodPeriod: i + 1,
    periodStartDate: new Date(Date.UTC(year, i, 1)).toISOString().slice(0, 10),
    periodEndDate: new Date(Date.UTC(year, i + 1, 0)).toISOString().slice(0, 10),
    periodStatus: status,
  }));

export type CustomerBalance = {
  customerCode: string;
  currencyCode: string;
  /** Sum of the open balances of the customer's invoices. */
  openBalance: number;
  openInvoices: number;
  invoices: number;
  /** Receipt amounts not allocated to an invoice. */
  unallocatedReceipts: number;
  /** Adjustment (credit note) amounts not allocated to an invoice. */
  unallocatedAdjustments: number;
};

export type StoreSnapshot = {
  format: "qad-sandbox-data/1";
  seq: number;
  lastStamp: number;
  sharedSets: [string, { customers: [string, Stamped<Customer>][]; glAccounts: [string, Stamped<GlAccount>][] }][];
  workspaces: {
    workspace: Workspace;
    periods: GlPeriod[];
    daybooks: WorkspaceData["daybooks"];
    invoices: [string, Stamped<CustomerInvoice>][];
    payments: [string, Stamped<CustomerPayment>][];
    adjustments: [string, Stamped<CustomerAdjustment>][];
    voucherCounters: [string, number][];
  }[];
};

export class QadStore {
  readonly workspaces = new Map<string, WorkspaceData>();
  readonly sharedSets = new Map<string, SharedSetData>();
  private seq = 0;
  private lastStamp = 0;
  /** Bumped on every change; the state file is written only when it moved. */
  version = 0;

  constructor(private readonly now: () => Date) {}

  /** Next sequence number and a stamp (ms) that never goes backwards. */
  tick() {
    this.seq += 1;
    this.version += 1;
    this.lastStamp = Math.max(this.lastStamp, this.now().getTime());
    return { seq: this.seq, stamp: this.lastStamp };
  }

  nowIso(stamp: number) {
    return new Date(stamp).toISOString();
  }

  addWorkspace(workspace: Workspace): WorkspaceData {
    const id = workspaceId(workspace);
    const existing = this.workspaces.get(id);
    if (existing) {
      existing.workspace = { ...workspace };
      return existing;
    }
    const data = newWorkspaceData({ ...workspace });
    this.workspaces.set(id, data);
    if (!this.sharedSets.has(workspace.sharedSetCode)) this.sharedSets.set(workspace.sharedSetCode, newSharedSet());
    this.version += 1;
    return data;
  }

  sharedSet(code: string): SharedSetData {
    let set = this.sharedSets.get(code);
    if (!set) this.sharedSets.set(code, (set = newSharedSet()));
    return set;
  }

  putCustomer(customer: Customer) {
    const { seq, stamp } = this.tick();
    this.sharedSet(customer.sharedSetCode).customers.put(customer.customerCode.toLowerCase(), customer, seq, stamp);
  }

  findCustomer(sharedSetCode: string, code: string) {
    return this.sharedSets.get(sharedSetCode)?.customers.get(code.toLowerCase());
  }

  putGlAccount(account: GlAccount) {
    const { seq, stamp } = this.tick();
    this.sharedSet(account.sharedSetCode).glAccounts.put(account.glCode.toLowerCase(), account, seq, stamp);
  }

  findGlAccount(sharedSetCode: string, code: string) {
    return this.sharedSets.get(sharedSetCode)?.glAccounts.get(code.toLowerCase());
  }

  setPeriod(data: WorkspaceData, period: GlPeriod) {
    data.periods.set(periodKey(period.periodYear, period.periodPeriod), { ...period });
    this.version += 1;
  }

  /** The period a date (YYYY-MM-DD) falls in, if the entity's calendar has one. */
  periodOf(data: WorkspaceData, date: string): GlPeriod | undefined {
    const year = Number(date.slice(0, 4));
    const month = Number(date.slice(5, 7));
    return data.periods.get(periodKey(year, month));
  }

  nextVoucher(data: WorkspaceData, year: number, daybook: string) {
    const key = `${year}/${daybook}`;
    const next = (data.voucherCounters.get(key) ?? 0) + 1;
    data.voucherCounters.set(key, next);
    return `${year}/${daybook}/${String(next).padStart(6, "0")}`;
  }

  putInvoice(data: WorkspaceData, invoice: CustomerInvoice) {
    const { seq, stamp } = this.tick();
    data.invoices.put(invoice.dInvoiceVoucher, { ...invoice, lastModifiedDateTime: this.nowIso(stamp) }, seq, stamp);
  }

  putPayment(data: WorkspaceData, payment: CustomerPayment) {
    const { seq, stamp } = this.tick();
    data.payments.put(payment.dDocumentVoucher, { ...payment, lastModifiedDateTime: this.nowIso(stamp) }, seq, stamp);
  }

  putAdjustment(data: WorkspaceData, adjustment: CustomerAdjustment) {
    const { seq, stamp } = this.tick();
    data.adjustments.put(adjustment.dInvoiceVoucher, { ...adjustment, lastModifiedDateTime: this.nowIso(stamp) }, seq, stamp);
  }

  /** Open amounts per customer of one entity, from its documents (indexed by customer). */
  customerBalance(data: WorkspaceData, customer: Customer): CustomerBalance {
    let openBalance = 0;
    let openInvoices = 0;
    const invoiceKeys = data.invoices.keysWhere("customerCode", customer.customerCode);
    for (const key of invoiceKeys) {
      const invoice = data.invoices.get(key)!;
      openBalance += invoice.dInvoiceBalanceTC;
      if (invoice.dInvoiceIsOpen) openInvoices += 1;
    }
    let unallocatedReceipts = 0;
    for (const key of data.payments.keysWhere("customerCode", customer.customerCode)) unallocatedReceipts += data.payments.get(key)!.dDocumentUnallocatedTC;
    let unallocatedAdjustments = 0;
    for (const key of data.adjustments.keysWhere("customerCode", customer.customerCode)) unallocatedAdjustments += data.adjustments.get(key)!.dInvoiceUnallocatedTC;
    return {
      customerCode: customer.customerCode,
      currencyCode: customer.currencyCode,
      openBalance: round2(openBalance),
      openInvoices,
      invoices: invoiceKeys.length,
      unallocatedReceipts: round2(unallocatedReceipts),
      unallocatedAdjustments: round2(unallocatedAdjustments),
    };
  }

  reset() {
    this.workspaces.clear();
    this.sharedSets.clear();
    this.seq = 0;
    this.lastStamp = 0;
    this.version += 1;
  }

  snapshot(): StoreSnapshot {
    return {
      format: "qad-sandbox-data/1",
      seq: this.seq,
      lastStamp: this.lastStamp,
      sharedSets: [...this.sharedSets.entries()].map(([code, set]) => [code, { customers: set.customers.snapshot(), glAccounts: set.glAccounts.snapshot() }]),
      workspaces: [...this.workspaces.values()].map((w) => ({
        workspace: { ...w.workspace },
        periods: [...w.periods.values()],
        daybooks: { ...w.daybooks },
        invoices: w.invoices.snapshot(),
        payments: w.payments.snapshot(),
        adjustments: w.adjustments.snapshot(),
        voucherCounters: [...w.voucherCounters.entries()],
      })),
    };
  }

  restore(state: StoreSnapshot) {
    this.reset();
    for (const [code, set] of state.sharedSets) {
      const target = this.sharedSet(code);
      target.customers.restore(set.customers);
      target.glAccounts.restore(set.glAccounts);
    }
    for (const w of state.workspaces) {
      const data = this.addWorkspace(w.workspace);
      for (const p of w.periods) data.periods.set(periodKey(p.periodYear, p.periodPeriod), p);
      data.daybooks = { ...w.daybooks };
      data.invoices.restore(w.invoices);
      data.payments.restore(w.payments);
      data.adjustments.restore(w.adjustments);
      for (const [k, v] of w.voucherCounters) data.voucherCounters.set(k, v);
    }
    this.seq = state.seq;
    this.lastStamp = state.lastStamp;
    this.version += 1;
  }
}
