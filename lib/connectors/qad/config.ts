/**
 * Static facts about the QAD Adaptive ERP REST API (vendor-apis.md §6; sandbox/qad/README.md lists the
 * public clients each fact comes from and which parts are ASSUMED). Tenant base URL
 * `https://<tenant>.qad.com/clouderp`; OAuth password grant at `{base}/oauth/token`; the domain and
 * entity travel in `x-qad-workspace-id: <domain>_<entity>`; reads are browses
 * (`/api/qracore/browses?browseId=…&page=…&pageSize=…&pageAction=first&filter=…`), writes are
 * business-entity POSTs answered with a `submitResult`. No idempotency key: documents are looked up
 * by their reference (the Zuora number) before they are created.
 */
export const qadConfig = {
  id: "qad",
  label: "QAD Adaptive ERP",
  /** observed in every public client; the grant is read from form fields (Spring's token endpoint) */
  auth: { kind: "oauth2-password", tokenPath: "oauth/token" },
  workspaceHeader: "x-qad-workspace-id",
  browsePath: "api/qracore/browses",
  /**
   * Business entities: write collection and viewUri, browse id and row prefix. The customer entity is
   * observed (customerV2s / ICustomerV2); the finance ones are ASSUMED (sandbox/qad/README.md).
   */
  entities: {
    customer: { collection: "customerV2s", viewUri: "urn:be:com.qad.base.customer.ICustomerV2", browseId: "urn:browse:bebrowse:com.qad.erp.base.customers", prefix: "customer" },
    invoice: { collection: "customerInvoices", viewUri: "urn:be:com.qad.financials.ICustomerInvoice", browseId: "urn:browse:bebrowse:com.qad.erp.financials.customerInvoices", prefix: "customerInvoice" },
    receipt: { collection: "customerPayments", viewUri: "urn:be:com.qad.financials.ICustomerPayment", browseId: "urn:browse:bebrowse:com.qad.erp.financials.customerPayments", prefix: "customerPayment" },
    adjustment: { collection: "customerAdjustments", viewUri: "urn:be:com.qad.financials.ICustomerAdjustment", browseId: "urn:browse:bebrowse:com.qad.erp.financials.customerAdjustments", prefix: "customerAdjustment" },
    glAccount: { collection: null, viewUri: null, browseId: "urn:browse:bebrowse:com.qad.erp.financials.glAccounts", prefix: "glAccount" },
    glPeriod: { collection: null, viewUri: null, browseId: "urn:browse:bebrowse:com.qad.erp.financials.glPeriods", prefix: "period" },
  },
  /** the document field holding the Zuora number, looked up before each create (QAD has no idempotency key) */
  referenceFields: { invoice: "dInvoiceReference", adjustment: "dInvoiceReference", receipt: "dDocumentReference" },
  /** QAD field lengths that bound what we send (§6.2: DebtorCode 8, references 20, descriptions 40) */
  maxLength: { customerCode: 8, reference: 20, description: 40 },
  /** rows per browse page when reading catalogues; a short page ends the paging */
  browsePageSize: 500,
  /** QAD Cloud publishes no limits: conservative defaults, overridable per connection */
  limits: { requestsPerMinute: 600, burst: 10, maxConcurrent: 4 },
  /** how long GL periods and customer look-ups are reused within a process */
  cacheTtlMs: 60_000,
  /** customer browse pages read at once for look-ups (bounded: a large tenant's other customers are looked up one by one) */
  customerDirectoryPages: 2,
} as const;

export type QadEntity = keyof typeof qadConfig.entities;
export type QadDocumentEntity = keyof typeof qadConfig.referenceFields;
