/*
 * The Zuora sandbox's own records (not wire shapes; format.ts renders those). Records are immutable:
 * an update replaces the object, so a paging snapshot that holds the old object keeps seeing the old
 * version. Times are epoch milliseconds truncated to whole seconds, Zuora's precision.
 */

export type Contact = {
  id: string;
  firstName: string;
  lastName: string;
  workEmail: string;
  workPhone: string;
  address1: string;
  address2: string;
  city: string;
  state: string;
  zipCode: string;
  country: string;
};

export type Account = {
  id: string;
  accountNumber: string;
  name: string;
  currency: string;
  status: "Active" | "Draft" | "Canceled";
  billCycleDay: number;
  paymentTerm: string;
  autoPay: boolean;
  crmId: string;
  batch: string;
  salesRep: string;
  notes: string;
  /** Sales tax / VAT rate in percent applied to this account's invoices. */
  taxRate: number;
  taxCode: string;
  billTo: Contact;
  soldTo: Contact;
  /** Electronic payments need one; external payments do not. */
  defaultPaymentMethodId: string | null;
  paymentGateway: string | null;
  /** Values of the tenant's custom fields (`NetSuiteId__c` ...), by API name. */
  customFields?: Record<string, string | null>;
  createdDate: number;
  updatedDate: number;
};

export type Charge = {
  id: string;
  productId: string;
  productName: string;
  sku: string;
  chargeName: string;
  chargeType: "Recurring" | "OneTime" | "Usage";
  unitOfMeasure: string;
  /** Unit price per currency. */
  prices: Record<string, number>;
  /** Revenue accounting code (the GL account the ERP posts to). */
  accountingCode: string;
  deferredRevenueAccountingCode: string;
};

export type InvoiceItem = {
  id: string;
  chargeId: string;
  productRatePlanChargeId: string;
  chargeName: string;
  chargeType: Charge["chargeType"];
  productName: string;
  sku: string;
  description: string;
  quantity: number;
  unitPrice: number;
  unitOfMeasure: string;
  chargeAmount: number;
  taxAmount: number;
  taxRate: number;
  taxCode: string;
  balance: number;
  serviceStartDate: string;
  serviceEndDate: string;
  chargeDate: number;
  subscriptionId: string;
  subscriptionName: string;
  accountingCode: string;
  deferredRevenueAccountingCode: string;
  taxationItemId: string;
};

export type Invoice = {
  id: string;
  invoiceNumber: string;
  accountId: string;
  status: "Draft" | "Posted" | "Canceled";
  currency: string;
  amount: number;
  amountWithoutTax: number;
  taxAmount: number;
  balance: number;
  paymentAmount: number;
  creditMemoAmount: number;
  invoiceDate: string;
  dueDate: string;
  targetDate: string;
  postedDate: string | null;
  postedBy: string | null;
  paymentTerm: string;
  billRunId: string | null;
  source: "BillRun" | "API";
  sourceId: string | null;
  comments: string;
  items: InvoiceItem[];
  /** Values of the tenant's invoice custom fields, by API name. */
  customFields?: Record<string, string | null>;
  createdDate: number;
  updatedDate: number;
};

export type PaymentApplication = { invoiceId: string; amount: number };

export type Payment = {
  id: string;
  number: string;
  accountId: string | null;
  type: "Electronic" | "External";
  status: "Processed" | "Error" | "Canceled";
  currency: string;
  amount: number;
  appliedAmount: number;
  unappliedAmount: number;
  effectiveDate: string;
  paymentMethodId: string | null;
  gatewayId: string | null;
  gatewayState: "Submitted" | "Settled" | "NotSubmitted";
  gatewayResponse: string | null;
  gatewayResponseCode: string | null;
  referenceId: string | null;
  comment: string | null;
  applications: PaymentApplication[];
  /** total refunded from the payment's unapplied amount (POST /v1/payments/{key}/refunds) */
  refundAmount?: number;
  /** epoch ms when the payment was canceled (PUT /v1/payments/{key}/cancel), else absent */
  cancelledOn?: number;
  createdDate: number;
  updatedDate: number;
};

/**
 * A refund of a payment's unapplied amount (POST /v1/payments/{paymentKey}/refunds, Invoice
 * Settlement): Electronic (back through the payment's gateway) or External (cheque, wire: `methodType`).
 */
export type Refund = {
  id: string;
  number: string;
  accountId: string;
  paymentId: string;
  type: "Electronic" | "External";
  methodType: string | null;
  status: "Processed" | "Canceled" | "Error" | "Processing";
  amount: number;
  currency: string;
  refundDate: string;
  reasonCode: string;
  referenceId: string | null;
  comment: string | null;
  gatewayState: "Submitted" | "NotSubmitted";
  createdDate: number;
  updatedDate: number;
};

export type CreditMemo = {
  id: string;
  number: string;
  accountId: string;
  status: "Draft" | "Posted" | "Canceled";
  currency: string;
  amount: number;
  taxAmount: number;
  appliedAmount: number;
  unappliedAmount: number;
  creditMemoDate: string;
  reasonCode: string;
  referredInvoiceId: string | null;
  source: "BillRun" | "API";
  sourceType: "Invoice" | "Standalone";
  postedOn: number | null;
  comment: string;
  items: { id: string; sourceItemId: string; amount: number; taxAmount: number; skuName: string; accountingCode: string }[];
  createdDate: number;
  updatedDate: number;
};

/**
 * A debit memo (Invoice Settlement): a charge to the account outside a bill run, e.g. a late fee or a
 * correction of an invoice (`referredInvoiceId`). Its items carry their charge's names and accounting code.
 */
export type DebitMemo = {
  id: string;
  number: string;
  accountId: string;
  status: "Draft" | "Posted" | "Canceled";
  currency: string;
  amount: number;
  taxAmount: number;
  balance: number;
  memoDate: string;
  dueDate: string;
  reasonCode: string;
  referredInvoiceId: string | null;
  items: { id: string; chargeName: string; productName: string; sku: string; accountingCode: string; description: string; amount: number; taxAmount: number }[];
  createdDate: number;
  updatedDate: number;
};

/**
 * An invoice item adjustment: a credit (lowers) or charge (raises) on one item of a posted invoice,
 * on the item's accounting code. Zuora deprecates the object once Invoice Settlement is on (memos
 * replace it) and keeps it for backward compatibility.
 */
export type InvoiceItemAdjustment = {
  id: string;
  number: string;
  accountId: string;
  invoiceId: string;
  sourceId: string;
  sourceType: "InvoiceDetail";
  type: "Credit" | "Charge";
  amount: number;
  adjustmentDate: string;
  reasonCode: string;
  accountingCode: string;
  status: "Processed" | "Canceled";
  comment: string | null;
  createdDate: number;
  updatedDate: number;
};

/**
 * A subscription, reduced to what its lifecycle notifications carry: each amendment makes a new version
 * (Zuora keeps one record per version; the sandbox keeps the latest).
 */
export type Subscription = {
  id: string;
  subscriptionNumber: string;
  accountId: string;
  status: "Active" | "Cancelled";
  version: number;
  currency: string;
  /** contracted monthly recurring amount of this version */
  mrr: number;
  termStartDate: string;
  contractEffectiveDate: string;
  cancelledDate: string | null;
  createdDate: number;
  updatedDate: number;
};

/** Events the sandbox raises itself (callout notifications hang off these). */
export type ZuoraEventName =
  | "InvoicePosted"
  | "PaymentProcessed"
  | "ExternalPaymentProcessed"
  | "CreditMemoPosted"
  | "SubscriptionCreated"
  | "SubscriptionAmended"
  | "SubscriptionCancelled";

export type ZuoraEvent =
  | { name: "InvoicePosted"; invoice: Invoice; account: Account }
  | { name: "PaymentProcessed" | "ExternalPaymentProcessed"; payment: Payment; account: Account | undefined }
  | { name: "CreditMemoPosted"; creditMemo: CreditMemo; account: Account }
  | { name: "SubscriptionCreated" | "SubscriptionAmended" | "SubscriptionCancelled"; subscription: Subscription; account: Account; amendmentType: string | null };
