/*
 * Records of the QAD sandbox, in wire spelling (camelCase, as the observed Adaptive ERP clients send).
 * Names that public clients show are marked "observed" in README.md; the finance documents reuse the
 * QAD Financials field names of vendor-apis.md §6.2 in camelCase (an assumption, listed in README.md).
 */

/** A domain/entity pair, selected by `x-qad-workspace-id: <domain>_<entity>`. */
export type Workspace = {
  domainCode: string;
  entityCode: string;
  /** Customers and GL accounts belong to a shared set; several entities may share one. */
  sharedSetCode: string;
  /** The entity's base currency. */
  currencyCode: string;
};

export type Customer = {
  sharedSetCode: string;
  customerCode: string;
  businessRelationCode: string;
  businessRelationName: string;
  addressSearchName: string;
  currencyCode: string;
  creditTermsCode: string;
  EMail: string;
  countryCode: string;
  isActive: boolean;
};

export const GL_TYPES = ["Standard", "Bank", "CustomerControl", "Tax"] as const;
export type GlType = (typeof GL_TYPES)[number];

export type GlAccount = {
  sharedSetCode: string;
  glCode: string;
  glDescription: string;
  glType: GlType;
  isActive: boolean;
  /** Bank accounts carry a currency; others post in any. */
  currencyCode: string;
};

/** One GL period of an entity: year and period number (months 1..12). */
export type GlPeriod = {
  periodYear: number;
  periodPeriod: number;
  periodStartDate: string;
  periodEndDate: string;
  periodStatus: "OPEN" | "CLOSED";
};

export type PostingLine = { glCode: string; costCentreCode: string; lineDescription: string; amountTC: number };

/** What every finance document shares. `voucher` is QAD's key, `reference` the caller's (e.g. the Zuora number). */
type DocumentBase = {
  domainCode: string;
  entityCode: string;
  customerCode: string;
  currencyCode: string;
  daybookCode: string;
  periodYear: number;
  periodPeriod: number;
  createdDateTime: string;
  lastModifiedDateTime: string;
  lastModifiedUser: string;
};

export type CustomerInvoice = DocumentBase & {
  dInvoiceVoucher: string;
  dInvoiceReference: string;
  dInvoiceDescription: string;
  dInvoiceDate: string;
  dInvoiceDueDate: string;
  dInvoicePostingDate: string;
  dInvoiceType: "INVOICE";
  dInvoiceOriginalDebitTC: number;
  dInvoiceBalanceTC: number;
  dInvoiceIsOpen: boolean;
  lines: PostingLine[];
};

export type Allocation = { dInvoiceVoucher: string; dInvoiceReference: string; amountTC: number };

export type CustomerPayment = DocumentBase & {
  dDocumentVoucher: string;
  dDocumentReference: string;
  dDocumentDescription: string;
  dDocumentDate: string;
  dDocumentPostingDate: string;
  bankGLCode: string;
  dDocumentAmountTC: number;
  dDocumentUnallocatedTC: number;
  allocations: Allocation[];
};

export type CustomerAdjustment = DocumentBase & {
  dInvoiceVoucher: string;
  dInvoiceReference: string;
  dInvoiceDescription: string;
  dInvoiceDate: string;
  dInvoicePostingDate: string;
  dInvoiceType: "CREDITNOTE";
  dInvoiceOriginalCreditTC: number;
  dInvoiceUnallocatedTC: number;
  lines: PostingLine[];
  allocations: Allocation[];
};

export type FieldError = { fieldName: string; message: string; fieldValue: unknown; code: string };
