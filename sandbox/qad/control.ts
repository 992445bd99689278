import { z } from "zod";
import type { AuthSnapshot } from "./auth";
import { periodKey, round2, workspaceId, yearPeriods, type CustomerBalance, type StoreSnapshot, type WorkspaceData } from "./store";
import { qadSettingsSchema, type QadSettings, type QadSettingsInput, type QadStats, type QadTenant } from "./tenant";
import { GL_TYPES, type Customer, type GlAccount } from "./types";
import { toWire } from "./wire";

/*
 * What tests, the demo and the control API do to a QAD tenant: seed master data and GL periods, read documents,
 * open balances per customer and per invoice, duplicates by reference, settings, a clock, snapshot/restore.
 */

const workspaceSchema = z.strictObject({
  domainCode: z.string().min(1).max(8),
  entityCode: z.string().min(1).max(8),
  sharedSetCode: z.string().min(1).max(20).optional(),
  currencyCode: z.string().length(3).default("USD"),
});

const customerSchema = z.strictObject({
  customerCode: z.string().min(1).max(8),
  businessRelationName: z.string().min(1).max(36),
  businessRelationCode: z.string().max(20).optional(),
  addressSearchName: z.string().max(28).optional(),
  currencyCode: z.string().length(3).default("USD"),
  creditTermsCode: z.string().max(20).default("30D"),
  EMail: z.string().max(80).default(""),
  countryCode: z.string().max(3).default(""),
  isActive: z.boolean().default(true),
});

const glAccountSchema = z.strictObject({
  glCode: z.string().min(1).max(20),
  glDescription: z.string().max(40).default(""),
  glType: z.enum(GL_TYPES).default("Standard"),
  isActive: z.boolean().default(true),
  currencyCode: z.string().max(3).default(""),
});

export const qadSeedSchema = z.strictObject({
  /** Added (or updated) domain/entities; the default user may use them. */
  workspaces: z.array(workspaceSchema).optional(),
  /** Workspace (`<domain>_<entity>`) the customers, accounts and periods go to; default the first. */
  workspace: z.string().optional(),
  customers: z.array(customerSchema).optional(),
  glAccounts: z.array(glAccountSchema).optional(),
  /** Open monthly periods for these years (existing periods keep their status). */
  openYears: z.array(z.number().int().min(1900).max(2999)).optional(),
});
export type QadSeed = z.input<typeof qadSeedSchema>;

export const periodStatusSchema = z.strictObject({
  workspace: z.string().optional(),
  year: z.number().int().min(1900).max(2999),
  /** 1..12; the whole year when absent. */
  period: z.number().int().min(1).max(12).optional(),
  status: z.enum(["OPEN", "CLOSED"]),
});
export type QadPeriodStatus = z.input<typeof periodStatusSchema>;

export const QAD_DOCUMENT_COLLECTIONS = ["customerV2s", "customerInvoices", "customerPayments", "customerAdjustments", "glAccounts", "glPeriods"] as const;
export type QadDocumentCollection = (typeof QAD_DOCUMENT_COLLECTIONS)[number];

export type InvoiceBalance = {
  dInvoiceVoucher: string;
  dInvoiceReference: string;
  customerCode: string;
  currencyCode: string;
  originalAmount: number;
  openBalance: number;
  isOpen: boolean;
};

export type QadDuplicate = { collection: string; reference: string; count: number; vouchers: string[] };

export type QadSnapshot = { format: "qad-sandbox/1"; data: StoreSnapshot; auth: AuthSnapshot; settings: QadSettings; userWorkspaces: string[][] };

export class QadControlError extends Error {
  readonly statusCode = 400;
}

export const createQadControl = (tenant: QadTenant) => {
  const { store } = tenant;

  const workspace = (id?: string): WorkspaceData => {
    if (id === undefined) {
      const first = store.workspaces.values().next().value;
      if (!first) throw new QadControlError("The tenant has no workspace.");
      return first;
    }
    const data = [...store.workspaces.values()].find((w) => workspaceId(w.workspace).toLowerCase() === id.toLowerCase());
    if (!data) throw new QadControlError(`No workspace ${id}.`);
    return data;
  };

  const customersOf = (data: WorkspaceData) => store.sharedSet(data.workspace.sharedSetCode).customers;

  return {
    /** Adds workspaces, customers, GL accounts and open periods (upserts by code). */
    seed(input: QadSeed) {
      const seed = qadSeedSchema.parse(input);
      for (const w of seed.workspaces ?? []) {
        const ws = { ...w, sharedSetCode: w.sharedSetCode ?? w.domainCode };
        store.addWorkspace(ws);
        for (const user of tenant.users) if (!user.workspaces.includes(workspaceId(ws))) user.workspaces.push(workspaceId(ws));
      }
      const data = workspace(seed.workspace ?? (seed.workspaces?.[0] ? workspaceId(seed.workspaces[0]) : undefined));
      const sharedSetCode = data.workspace.sharedSetCode;
      for (const c of seed.customers ?? []) {
        const customer: Customer = {
          ...c,
          sharedSetCode,
          businessRelationCode: c.businessRelationCode ?? c.customerCode,
          addressSearchName: c.addressSearchName ?? c.businessRelationName.slice(0, 28),
        };
        store.putCustomer(customer);
      }
      for (const g of seed.glAccounts ?? []) store.putGlAccount({ ...g, sharedSetCode } satisfies GlAccount);
      for (const year of seed.openYears ?? []) {
        for (const p of yearPeriods(year)) if (!data.periods.has(periodKey(year, p.periodPeriod))) store.setPeriod(data, p);
      }
    },
    /** Opens or closes one period or a whole year (periods missing from the calendar are added). */
    setPeriodStatus(input: QadPeriodStatus) {
      const { workspace: id, year, period, status } = periodStatusSchema.parse(input);
      const data = workspace(id);
      for (const p of yearPeriods(year)) {
        if (period !== undefined && p.periodPeriod !== period) continue;
        const existing = data.periods.get(periodKey(year, p.periodPeriod)) ?? p;
        store.setPeriod(data, { ...existing, periodStatus: status });
      }
    },
    /** Every record of a collection in one workspace, as the API returns them (documents with lines and allocations). */
    documents(collection: QadDocumentCollection, id?: string): Record<string, unknown>[] {
      const data = workspace(id);
      const set = store.sharedSet(data.workspace.sharedSetCode);
      switch (collection) {
        case "customerV2s":
          return set.customers.values().map((c) => ({ ...c }));
        case "glAccounts":
          return set.glAccounts.values().map((g) => ({ ...g }));
        case "glPeriods":
          return [...data.periods.values()].map((p) => ({ ...p }));
        case "customerInvoices":
          return data.invoices.values().map((r) => toWire(collection, r));
        case "customerPayments":
          return data.payments.values().map((r) => toWire(collection, r));
        default:
          return data.adjustments.values().map((r) => toWire(collection, r));
      }
    },
    /** Open balance per customer (sum of its invoices' open balances), for every customer or one. */
    customerBalances(options: { workspace?: string; customer?: string } = {}): CustomerBalance[] {
      const data = workspace(options.workspace);
      const customers = customersOf(data);
      const list = options.customer ? [customers.get(options.customer.toLowerCase())].filter((c) => c !== undefined) : customers.values();
      return list.map((c) => store.customerBalance(data, c));
    },
    /** Open balance per invoice, for every invoice or one customer's. */
    invoiceBalances(options: { workspace?: string; customer?: string } = {}): InvoiceBalance[] {
      const data = workspace(options.workspace);
      const invoices = options.customer ? data.invoices.keysWhere("customerCode", options.customer).map((k) => data.invoices.get(k)!) : data.invoices.values();
      return invoices.map((i) => ({
        dInvoiceVoucher: i.dInvoiceVoucher,
        dInvoiceReference: i.dInvoiceReference,
        customerCode: i.customerCode,
        currencyCode: i.currencyCode,
        originalAmount: i.dInvoiceOriginalDebitTC,
        openBalance: round2(i.dInvoiceBalanceTC),
        isOpen: i.dInvoiceIsOpen,
      }));
    },
    /** Documents sharing a reference (case-insensitive) within one collection of one workspace: should be empty. */
    duplicates(id?: string): QadDuplicate[] {
      const data = workspace(id);
      const out: QadDuplicate[] = [];
      const tables = [
        ["customerInvoices", data.invoices],
        ["customerPayments", data.payments],
        ["customerAdjustments", data.adjustments],
      ] as const;
      for (const [collection, table] of tables) {
        for (const group of table.groups("reference")) out.push({ collection, reference: group.value, count: group.keys.length, vouchers: group.keys });
      }
      return out;
    },
    settings: (patch?: QadSettingsInput): QadSettings => (patch ? tenant.applySettings(qadSettingsSchema.parse(patch)) : { ...tenant.settings }),
    /** Fixes the tenant's clock (token expiry, stamps); null returns to real time. */
    setClock: (iso: string | null) => {
      if (iso !== null && Number.isNaN(Date.parse(iso))) throw new QadControlError(`Not a date-time: ${iso}`);
      tenant.setClock(iso);
    },
    expireTokens: () => tenant.auth.expireAll(),
    stats: (): QadStats & { liveTokens: number; customers: number; invoices: number; payments: number; adjustments: number } => {
      let customers = 0;
      let invoices = 0;
      let payments = 0;
      let adjustments = 0;
      for (const set of store.sharedSets.values()) customers += set.customers.size;
      for (const w of store.workspaces.values()) {
        invoices += w.invoices.size;
        payments += w.payments.size;
        adjustments += w.adjustments.size;
      }
      return { ...tenant.stats, byRoute: { ...tenant.stats.byRoute }, liveTokens: tenant.auth.liveTokens(), customers, invoices, payments, adjustments };
    },
    version: () => store.version,
    snapshot: (): QadSnapshot => ({
      format: "qad-sandbox/1",
      data: store.snapshot(),
      auth: tenant.auth.snapshot(),
      settings: { ...tenant.settings },
      userWorkspaces: tenant.users.map((u) => [...u.workspaces]),
    }),
    restore(state: unknown) {
      const snap = state as Partial<QadSnapshot> | null;
      if (!snap || snap.format !== "qad-sandbox/1" || !snap.data || snap.data.format !== "qad-sandbox-data/1" || !snap.auth) {
        throw new QadControlError("restore: not a QAD sandbox snapshot (format qad-sandbox/1)");
      }
      store.restore(snap.data);
      tenant.auth.restore(snap.auth);
      if (snap.settings) tenant.applySettings(snap.settings);
      snap.userWorkspaces?.forEach((list, i) => {
        if (tenant.users[i]) tenant.users[i].workspaces = [...list];
      });
    },
    /** Back to a fresh tenant: default workspace, chart and open periods; no customers, documents or tokens. */
    reset: () => tenant.reset(),
  };
};

export type QadControl = ReturnType<typeof createQadControl>;
