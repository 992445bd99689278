import { z } from "zod";
import { VendorHttpError, type TokenCache, type VendorErrorDescription } from "../../http";
import { BearerTokenClient } from "../common/bearer-client";
import type { ConnectionContext } from "../types";
import { qadConfig, type QadDocumentEntity, type QadEntity } from "./config";
import {
  browseRow,
  qadBareErrorsSchema,
  qadBrowsePageSchema,
  qadCustomerSchema,
  qadFieldErrorSchema,
  qadGlPeriodSchema,
  qadInvoiceSchema,
  qadOAuthErrorSchema,
  qadReceiptSchema,
  qadSubmitResultSchema,
  type QadCustomer,
  type QadFieldError,
  type QadGlPeriod,
  type QadSettings,
} from "./schemas";

/** A posting line of an invoice or adjustment. */
export type QadPostingLine = { glCode: string; amountTC: number; lineDescription?: string; costCentreCode?: string };

/** A customer invoice as ml-connector creates it; `reference` is the Zuora invoice number. */
export type QadInvoiceInput = {
  customerCode: string;
  reference: string;
  date: string;
  dueDate?: string;
  postingDate?: string;
  description?: string;
  currencyCode: string;
  lines: QadPostingLine[];
};

/** A receipt allocated to QAD invoices (by voucher); `reference` is the Zuora payment number. */
export type QadReceiptInput = {
  customerCode: string;
  reference: string;
  date: string;
  postingDate?: string;
  description?: string;
  currencyCode: string;
  bankGLCode: string;
  amount: number;
  allocations: { invoiceVoucher: string; amount: number }[];
};

/** An adjustment (credit note), optionally allocated to the invoice it credits; `reference` is the Zuora credit memo number. */
export type QadAdjustmentInput = {
  customerCode: string;
  reference: string;
  date: string;
  postingDate?: string;
  description?: string;
  currencyCode: string;
  lines: QadPostingLine[];
  allocations: { invoiceVoucher: string; amount: number }[];
};

/** A document QAD holds: its voucher (QAD's key) and reference. */
export type QadDocumentRef = { voucher: string; reference: string | null; customerCode: string | null };

/** One browse filter: `<prefix>.<field>,<op>,<value>,literal` (operators eq ne gt ge lt le begins). */
export type QadFilter = { field: string; op?: "eq" | "ne" | "gt" | "ge" | "lt" | "le" | "begins"; value: string | number | boolean };

/** A field error of a refused write, with QAD's field code (PascalCase) and code. */
export type QadRefusal = { fieldName: string; message: string; code: string | null; value: string | null };

const describeRefusal = (e: QadFieldError) => {
  const value = e.fieldValue === undefined || e.fieldValue === null || e.fieldValue === "" ? null : String(e.fieldValue);
  const text = e.message.trim();
  const field = e.fieldName?.trim();
  return `${field ? `${field}: ` : ""}${text}${value && !text.includes(value) ? ` (${value})` : ""}`;
};

const toRefusal = (e: QadFieldError): QadRefusal => ({
  fieldName: e.fieldName?.trim() ?? "",
  message: e.message,
  code: e.code === null || e.code === undefined ? null : String(e.code),
  value: e.fieldValue === undefined || e.fieldValue === null ? null : String(e.fieldValue),
});

/** The field errors of a refused QAD write (empty for other errors). */
export const qadRefusalsOf = (err: unknown): QadRefusal[] => {
  if (!(err instanceof VendorHttpError)) return [];
  const parsed = z.object({ refusals: z.array(z.object({ fieldName: z.string(), message: z.string(), code: z.string().nullable(), value: z.string().nullable() })) }).safeParse(err.details);
  return parsed.success ? parsed.data.refusals : [];
};

/** A refusal because the posting date lies in a closed (or undefined) GL period: classified by field, as the README advises. */
export const isPeriodClosedRefusal = (r: QadRefusal) => /PostingDate$|^DInvoiceDate$|^DDocumentDate$/.test(r.fieldName) && (r.code === "4" || /period/i.test(r.message));

/** A cache entry that expires; a failed read is forgotten at once. */
type Timed<T> = { at: number; value: Promise<T> };

/**
 * QAD Adaptive ERP REST client on the tenant base URL: Bearer token from the shared cache (refreshed
 * once on 401), the workspace header on every call, browses with paging and filters, business-entity
 * writes whose `submitResult.success:false` (HTTP 200) becomes a non-retryable error naming each
 * field. Writes are not resent after a lost answer (no idempotency key): callers look the document
 * up by reference first.
 */
export class QadClient extends BearerTokenClient {
  readonly settings: QadSettings;
  readonly workspaceId: string;
  private periods: Timed<QadGlPeriod[]> | null = null;
  private readonly customers = new Map<string, Timed<QadCustomer | null>>();

  constructor(ctx: ConnectionContext, settings: QadSettings, tokens: TokenCache) {
    const workspaceId = `${settings.domainCode}_${settings.entityCode}`;
    const perMinute = settings.requestsPerMinute ?? qadConfig.limits.requestsPerMinute;
    super({
      tokens,
      vendor: qadConfig.id,
      baseUrl: ctx.baseUrl,
      onExchange: ctx.onExchange,
      defaultHeaders: { [qadConfig.workspaceHeader]: workspaceId },
      limits: {
        db: ctx.db,
        key: ctx.connectionId,
        requestsPerSecond: perMinute / 60,
        burst: qadConfig.limits.burst,
        maxConcurrent: settings.maxConcurrent ?? qadConfig.limits.maxConcurrent,
      },
    });
    this.settings = settings;
    this.workspaceId = workspaceId;
  }

  protected override describeError({ status, body }: { status: number; body: unknown }): VendorErrorDescription | undefined {
    return describeQadError({ status, body, workspaceId: this.workspaceId });
  }


  /** One browse page: `page` from 1, rows parsed with `schema` after their `<prefix>.` is stripped. */
  async browsePage<S extends z.ZodType>(entity: QadEntity, schema: S, opts: { filters?: readonly QadFilter[]; page?: number; pageSize?: number } = {}): Promise<z.output<S>[]> {
    const { browseId, prefix } = qadConfig.entities[entity];
    const filter = (opts.filters ?? []).map((f) => `${f.field.includes(".") ? f.field : `${prefix}.${f.field}`},${f.op ?? "eq"},${String(f.value)}${typeof f.value === "string" ? ",literal" : ""}`);
    const page = await this.request({
      method: "GET",
      path: qadConfig.browsePath,
      // `page` and `pageAction` are both needed: without them QAD answers 200 with no rows.
      query: { browseId, page: opts.page ?? 1, pageSize: opts.pageSize ?? qadConfig.browsePageSize, pageAction: "first", filter },
      outputSchema: qadBrowsePageSchema,
    });
    return z.array(browseRow(prefix, schema)).parse(page.data);
  }

  /** Every row of a browse (page by page until a short page), up to `max` rows. */
  async browseAll<S extends z.ZodType>(entity: QadEntity, schema: S, opts: { filters?: readonly QadFilter[]; max?: number } = {}): Promise<z.output<S>[]> {
    const rows: z.output<S>[] = [];
    const pageSize = qadConfig.browsePageSize;
    for (let page = 1; rows.length < (opts.max ?? Number.POSITIVE_INFINITY); page += 1) {
      const batch = await this.browsePage(entity, schema, { filters: opts.filters, page, pageSize });
      rows.push(...batch);
      if (batch.length < pageSize) break;
    }
    return rows;
  }

  /** The documents of `entity` whose reference is `reference` (more than one: duplicates exist in QAD). */
  async findByReference(entity: QadDocumentEntity, reference: string): Promise<QadDocumentRef[]> {
    const field = qadConfig.referenceFields[entity];
    if (entity === "receipt") {
      const rows = await this.browsePage(entity, qadReceiptSchema, { filters: [{ field, value: reference }], pageSize: 10 });
      return rows.map((r) => ({ voucher: r.dDocumentVoucher, reference: r.dDocumentReference ?? null, customerCode: r.customerCode ?? null }));
    }
    const rows = await this.browsePage(entity, qadInvoiceSchema, { filters: [{ field, value: reference }], pageSize: 10 });
    return rows.map((r) => ({ voucher: r.dInvoiceVoucher, reference: r.dInvoiceReference ?? null, customerCode: r.customerCode ?? null }));
  }

  /**
   * A customer by code, or null. Customers change rarely: the first `directoryPages` browse pages are read
   * once per `cacheTtlMs` in this process and answer most look-ups; a code not among them is looked up
   * alone (and that answer kept as long), so a customer created since the read is still found.
   */
  async findCustomer(customerCode: string): Promise<QadCustomer | null> {
    const key = customerCode.toUpperCase();
    const listed = (await this.customerDirectory()).get(key);
    if (listed) return listed;
    const hit = this.customers.get(key);
    if (hit && Date.now() - hit.at < qadConfig.cacheTtlMs) return hit.value;
    const value = this.browsePage("customer", qadCustomerSchema, { filters: [{ field: "customerCode", value: customerCode }], pageSize: 10 }).then(
      (rows) => rows.find((r) => r.customerCode.toUpperCase() === key) ?? null,
    );
    value.catch(() => this.customers.delete(key));
    this.customers.set(key, { at: Date.now(), value });
    return value;
  }

  private directory: Timed<Map<string, QadCustomer>> | null = null;

  private customerDirectory(): Promise<Map<string, QadCustomer>> {
    if (this.directory && Date.now() - this.directory.at < qadConfig.cacheTtlMs) return this.directory.value;
    const max = qadConfig.customerDirectoryPages * qadConfig.browsePageSize;
    const value = this.browseAll("customer", qadCustomerSchema, { max }).then((rows) => new Map(rows.map((c) => [c.customerCode.toUpperCase(), c])));
    value.catch(() => (this.directory = null));
    this.directory = { at: Date.now(), value };
    return value;
  }

  /** The entity's GL calendar; reused for `cacheTtlMs` in this process. */
  glPeriods(): Promise<QadGlPeriod[]> {
    if (this.periods && Date.now() - this.periods.at < qadConfig.cacheTtlMs) return this.periods.value;
    const value = this.browseAll("glPeriod", qadGlPeriodSchema);
    value.catch(() => (this.periods = null));
    this.periods = { at: Date.now(), value };
    return value;
  }

  /** Drops the GL calendar read, so the next glPeriods() reads it again (a write met a period closed meanwhile). */
  forgetPeriods() {
    this.periods = null;
  }

  /** POSTs one record of a business entity; a refusal throws (non-retryable) with every field error. */
  private async write<S extends z.ZodType>(entity: QadDocumentEntity, record: Record<string, unknown>, schema: S): Promise<z.output<S>> {
    const { collection, viewUri } = qadConfig.entities[entity];
    const answer = await this.request({
      method: "POST",
      path: `api/erp/${collection}`,
      query: { viewUri },
      body: { json: { supplementaryMessages: [], [collection]: [record] } },
      // A write whose answer was lost is not resent: the caller looks it up by reference first.
      idempotent: false,
      outputSchema: z.object({ [collection]: z.array(schema).min(1), submitResult: qadSubmitResultSchema }),
    });
    return (answer[collection] as z.output<S>[])[0]!;
  }

  /** Creates a customer invoice (look it up with findByReference first). */
  async createInvoice(input: QadInvoiceInput): Promise<QadDocumentRef> {
    const row = await this.write(
      "invoice",
      {
        customerCode: input.customerCode,
        dInvoiceReference: input.reference,
        dInvoiceDate: input.date,
        dInvoiceDueDate: input.dueDate,
        dInvoicePostingDate: input.postingDate ?? input.date,
        dInvoiceDescription: input.description,
        currencyCode: input.currencyCode,
        customerInvoiceLines: input.lines.map((l) => ({ glCode: l.glCode, amountTC: l.amountTC, lineDescription: l.lineDescription, costCentreCode: l.costCentreCode })),
      },
      qadInvoiceSchema,
    );
    return { voucher: row.dInvoiceVoucher, reference: row.dInvoiceReference ?? null, customerCode: row.customerCode ?? null };
  }

  /** Creates a receipt allocated to the given invoices. */
  async createReceipt(input: QadReceiptInput): Promise<QadDocumentRef> {
    const row = await this.write(
      "receipt",
      {
        customerCode: input.customerCode,
        dDocumentReference: input.reference,
        dDocumentDate: input.date,
        dDocumentPostingDate: input.postingDate ?? input.date,
        dDocumentDescription: input.description,
        currencyCode: input.currencyCode,
        bankGLCode: input.bankGLCode,
        dDocumentAmountTC: input.amount,
        customerPaymentAllocations: input.allocations.map((a) => ({ dInvoiceVoucher: a.invoiceVoucher, dDocumentInvoiceXrefAlloTC: a.amount })),
      },
      qadReceiptSchema,
    );
    return { voucher: row.dDocumentVoucher, reference: row.dDocumentReference ?? null, customerCode: row.customerCode ?? null };
  }

  /** Creates an adjustment (credit note), allocated to the invoices given. */
  async createAdjustment(input: QadAdjustmentInput): Promise<QadDocumentRef> {
    const row = await this.write(
      "adjustment",
      {
        customerCode: input.customerCode,
        dInvoiceReference: input.reference,
        dInvoiceDate: input.date,
        dInvoicePostingDate: input.postingDate ?? input.date,
        dInvoiceDescription: input.description,
        currencyCode: input.currencyCode,
        customerAdjustmentLines: input.lines.map((l) => ({ glCode: l.glCode, amountTC: l.amountTC, lineDescription: l.lineDescription, costCentreCode: l.costCentreCode })),
        customerAdjustmentAllocations: input.allocations.map((a) => ({ dInvoiceVoucher: a.invoiceVoucher, allocatedAmountTC: a.amount })),
      },
      qadInvoiceSchema,
    );
    return { voucher: row.dInvoiceVoucher, reference: row.dInvoiceReference ?? null, customerCode: row.customerCode ?? null };
  }
}

/**
 * What a QAD error body says: a refused write (`submitResult.success:false`, HTTP 200) names each field
 * and is final; 403 "Access is denied" means the workspace (domain/entity) is not the user's; bare
 * `errors` on other statuses; the OAuth shape on 401. 429 and 5xx stay retryable.
 */
export const describeQadError = ({ status, body, workspaceId }: { status: number; body: unknown; workspaceId: string }): VendorErrorDescription | undefined => {
  const submit = z.object({ submitResult: qadSubmitResultSchema }).safeParse(body);
  if (submit.success && !submit.data.submitResult.success) {
    const errors = submit.data.submitResult.errors;
    return {
      message: errors.length > 0 ? `QAD refused the document: ${errors.map(describeRefusal).join("; ")}` : "QAD refused the document without saying why",
      retryable: false,
      details: { refusals: errors.map(toRefusal) },
    };
  }
  if (status >= 200 && status < 300) return undefined;
  const bare = qadBareErrorsSchema.safeParse(body);
  if (status === 403) {
    const said = bare.success ? bare.data.errors.map((e) => e.message).join("; ") : "Access is denied";
    return {
      message: `QAD denied access to workspace ${workspaceId} (${said}). Check the domain and entity, and that the integration user may use them.`,
      retryable: false,
    };
  }
  if (bare.success) return { message: bare.data.errors.map(describeRefusal).join("; "), retryable: status === 429 || status >= 500 ? true : undefined };
  const oauth = qadOAuthErrorSchema.safeParse(body);
  if (oauth.success) return { message: oauth.data.error_description ? `${oauth.data.error}: ${oauth.data.error_description}` : oauth.data.error };
  const single = qadFieldErrorSchema.safeParse(body);
  return single.success ? { message: describeRefusal(single.data) } : undefined;
};
