import { createHash } from "node:crypto";
import { round2, SYSTEM_USER_ID } from "./store";
import type { Account, Contact, CreditMemo, DebitMemo, Invoice, InvoiceItem, InvoiceItemAdjustment, Payment, Refund } from "./types";

/*
 * Wire shapes. v1 GETs spell datetimes "2022-12-08 19:49:16" (tenant time zone; UTC here) and dates
 * "2022-10-31"; Object Query spells datetimes ISO-8601 with offset and uses its own field names
 * (paymentNumber, memoNumber, memoDate, totalAmount, invoiceId). Amounts are JSON numbers.
 */

export const v1DateTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);
export const isoDateTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}+00:00`;

type Lookup = { account: (id: string) => Account | undefined };

const contactV1 = (c: Contact) => ({
  id: c.id,
  firstName: c.firstName,
  lastName: c.lastName,
  workEmail: c.workEmail,
  address1: c.address1,
  address2: c.address2 === "" ? null : c.address2,
  city: c.city,
  state: c.state,
  zipCode: c.zipCode,
  country: c.country,
  county: null,
  fax: null,
  homePhone: null,
  mobilePhone: null,
  nickname: null,
  otherPhone: null,
  otherPhoneType: null,
  personalEmail: null,
  taxRegion: null,
  workPhone: c.workPhone === "" ? null : c.workPhone,
});

export const accountV1 = (a: Account, balances: { balance: number; totalInvoiceBalance: number; unappliedCreditMemoAmount: number; unappliedPaymentAmount: number }) => ({
  basicInfo: {
    id: a.id,
    accountNumber: a.accountNumber,
    name: a.name,
    status: a.status,
    batch: a.batch,
    crmId: a.crmId,
    notes: a.notes,
    salesRep: a.salesRep,
    communicationProfileId: null,
    invoiceTemplateId: null,
    parentId: null,
    partnerAccount: false,
    purchaseOrderNumber: null,
    sequenceSetId: null,
    tags: null,
    lastMetricsUpdate: v1DateTime(a.updatedDate),
    ...a.customFields,
  },
  billingAndPayment: {
    billCycleDay: String(a.billCycleDay),
    currency: a.currency,
    paymentTerm: a.paymentTerm,
    autoPay: a.autoPay,
    defaultPaymentMethodId: a.defaultPaymentMethodId,
    paymentGateway: a.paymentGateway,
    invoiceDeliveryPrefsEmail: true,
    invoiceDeliveryPrefsPrint: false,
    additionalEmailAddresses: [],
  },
  metrics: {
    balance: balances.balance,
    creditBalance: 0,
    totalInvoiceBalance: balances.totalInvoiceBalance,
    totalDebitMemoBalance: 0,
    unappliedCreditMemoAmount: balances.unappliedCreditMemoAmount,
    unappliedPaymentAmount: balances.unappliedPaymentAmount,
    contractedMrr: 0,
    reservedPaymentAmount: 0,
  },
  metricsData: [
    {
      currency: a.currency,
      balance: String(balances.balance),
      totalInvoiceBalance: balances.totalInvoiceBalance,
      totalDebitMemoBalance: 0,
      unappliedCreditMemoAmount: balances.unappliedCreditMemoAmount,
      unappliedPaymentAmount: balances.unappliedPaymentAmount,
      contractedMrr: 0,
      reservedPaymentAmount: 0,
    },
  ],
  billToContact: contactV1(a.billTo),
  soldToContact: contactV1(a.soldTo),
  taxInfo: { VATId: a.currency === "EUR" ? `DE${a.accountNumber.slice(1)}0` : null, companyCode: null, exemptStatus: "No" },
  success: true,
});

export const invoiceV1 = (i: Invoice) => ({
  id: i.id,
  invoiceNumber: i.invoiceNumber,
  accountId: i.accountId,
  amount: i.amount,
  amountWithoutTax: i.amountWithoutTax,
  taxAmount: i.taxAmount,
  taxExemptAmount: 0,
  balance: i.balance,
  paymentAmount: i.paymentAmount,
  creditMemoAmount: i.creditMemoAmount,
  adjustmentAmount: 0,
  creditBalanceAdjustmentAmount: 0,
  refundAmount: 0,
  discount: 0,
  currency: i.currency,
  status: i.status,
  invoiceDate: i.invoiceDate,
  dueDate: i.dueDate,
  targetDate: i.targetDate,
  postedDate: i.postedDate,
  postedBy: i.postedBy,
  paymentTerm: i.paymentTerm,
  autoPay: false,
  billRunId: i.billRunId,
  source: i.source,
  sourceId: i.sourceId,
  sourceType: "Subscription",
  includesOneTime: i.items.some((x) => x.chargeType === "OneTime"),
  includesRecurring: i.items.some((x) => x.chargeType === "Recurring"),
  includesUsage: i.items.some((x) => x.chargeType === "Usage"),
  comments: i.comments,
  transferredToAccounting: "No",
  taxStatus: "Complete",
  invoiceGroupNumber: null,
  lastEmailSentDate: null,
  sequenceSetId: null,
  billToContactSnapshotId: null,
  soldToContactSnapshotId: null,
  createdById: SYSTEM_USER_ID,
  createdDate: v1DateTime(i.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: v1DateTime(i.updatedDate),
  IntegrationId__NS: null,
  IntegrationStatus__NS: null,
  SyncDate__NS: null,
  ...i.customFields,
  success: true,
});

export const invoiceItemV1 = (x: InvoiceItem) => ({
  id: x.id,
  subscriptionId: x.subscriptionId,
  subscriptionName: x.subscriptionName,
  serviceStartDate: x.serviceStartDate,
  serviceEndDate: x.serviceEndDate,
  chargeAmount: x.chargeAmount,
  chargeDescription: "",
  chargeName: x.chargeName,
  chargeType: x.chargeType,
  chargeId: x.chargeId,
  chargeDate: v1DateTime(x.chargeDate),
  productName: x.productName,
  productRatePlanChargeId: x.productRatePlanChargeId,
  sku: x.sku,
  description: x.description,
  quantity: x.quantity,
  unitPrice: x.unitPrice,
  unitOfMeasure: x.unitOfMeasure,
  taxAmount: x.taxAmount,
  taxCode: x.taxCode,
  taxMode: "TaxExclusive",
  balance: x.balance,
  processingType: "Charge",
  sourceItemType: "SubscriptionComponent",
  appliedToItemId: null,
  accountingCode: x.accountingCode,
  deferredRevenueAccountingCode: x.deferredRevenueAccountingCode,
  recognizedRevenueAccountingCode: x.accountingCode,
  taxationItems: {
    data: [
      {
        id: x.taxationItemId,
        name: x.taxRate > 0 ? "VAT" : "Sales Tax",
        taxAmount: x.taxAmount,
        taxCode: x.taxCode,
        taxRate: x.taxRate / 100,
        taxRateType: "Percentage",
        jurisdiction: x.taxRate > 0 ? "EU" : "US",
        exemptAmount: 0,
        taxDate: x.serviceStartDate,
      },
    ],
  },
});

export const paymentV1 = (p: Payment, lookup: Lookup) => ({
  id: p.id,
  number: p.number,
  accountId: p.accountId,
  accountNumber: p.accountId ? (lookup.account(p.accountId)?.accountNumber ?? null) : null,
  amount: p.amount,
  appliedAmount: p.appliedAmount,
  unappliedAmount: p.unappliedAmount,
  refundAmount: p.refundAmount ?? 0,
  creditBalanceAmount: 0,
  currency: p.currency,
  effectiveDate: p.effectiveDate,
  status: p.status,
  type: p.type,
  paymentMethodId: p.paymentMethodId,
  paymentMethodSnapshotId: p.paymentMethodId ? p.paymentMethodId.replace(/.$/, "f") : null,
  gatewayId: p.gatewayId,
  gatewayState: p.gatewayState,
  gatewayResponse: p.gatewayResponse,
  gatewayResponseCode: p.gatewayResponseCode,
  gatewayOrderId: null,
  referenceId: p.referenceId,
  secondPaymentReferenceId: null,
  comment: p.comment,
  authTransactionId: null,
  bankIdentificationNumber: null,
  markedForSubmissionOn: null,
  submittedOn: p.type === "Electronic" ? v1DateTime(p.createdDate) : null,
  settledOn: null,
  cancelledOn: p.cancelledOn === undefined ? null : v1DateTime(p.cancelledOn),
  softDescriptor: null,
  softDescriptorPhone: null,
  standalone: false,
  prepayment: false,
  paymentScheduleKey: null,
  payoutId: null,
  financeInformation: {
    bankAccountAccountingCode: p.currency === "EUR" ? "10250" : p.type === "Electronic" ? "10200" : "10300",
    bankAccountAccountingCodeType: "Cash",
    transferredToAccounting: "No",
    unappliedPaymentAccountingCode: "11000",
    unappliedPaymentAccountingCodeType: "CustomerCashOnAccount",
  },
  createdById: SYSTEM_USER_ID,
  createdDate: v1DateTime(p.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: v1DateTime(p.updatedDate),
  success: true,
});

/** Stable 32-hex id of a payment part: the store keeps applications without ids. */
const partId = (paymentId: string, n: number) => createHash("sha256").update(`${paymentId}:part:${n}`).digest("hex").slice(0, 32);
/** Stable 32-hex id of a payment application (Object Query `payment-applications`). */
export const paymentApplicationId = (paymentId: string, n: number) => createHash("sha256").update(`${paymentId}:application:${n}`).digest("hex").slice(0, 32);

/**
 * `GET /v1/payments/{paymentKey}/parts` items (GETPaymentPartTypewithSuccess): one part per invoice the
 * payment is applied to, then the unapplied part (no invoiceId, no debitMemoId) when some is left
 * (the spec: "a payment can consist of an unapplied part, and several parts applied to invoices").
 */
export const paymentPartsV1 = (p: Payment) => {
  const applied = p.applications.map((a, n) => ({ id: partId(p.id, n), invoiceId: a.invoiceId, debitMemoId: null, amount: a.amount }));
  const unapplied = p.unappliedAmount > 0 ? [{ id: partId(p.id, applied.length), invoiceId: null, debitMemoId: null, amount: p.unappliedAmount }] : [];
  return [...applied, ...unapplied].map((part) => ({
    ...part,
    createdById: SYSTEM_USER_ID,
    createdDate: v1DateTime(p.createdDate),
    updatedById: SYSTEM_USER_ID,
    updatedDate: v1DateTime(p.createdDate),
  }));
};

export const creditMemoV1 = (c: CreditMemo, lookup: Lookup) => ({
  id: c.id,
  number: c.number,
  accountId: c.accountId,
  accountNumber: lookup.account(c.accountId)?.accountNumber ?? null,
  amount: c.amount,
  appliedAmount: c.appliedAmount,
  unappliedAmount: c.unappliedAmount,
  refundAmount: 0,
  taxAmount: c.taxAmount,
  totalTaxExemptAmount: 0,
  creditMemoDate: c.creditMemoDate,
  targetDate: null,
  currency: c.currency,
  status: c.status,
  reasonCode: c.reasonCode,
  referredInvoiceId: c.referredInvoiceId,
  source: c.source,
  sourceId: null,
  sourceType: c.sourceType,
  comment: c.comment,
  autoApplyUponPosting: false,
  excludeFromAutoApplyRules: false,
  transferredToAccounting: "No",
  taxStatus: "Complete",
  reversed: false,
  einvoiceStatus: null,
  latestPDFFileId: null,
  postedById: c.postedOn === null ? null : SYSTEM_USER_ID,
  postedOn: c.postedOn === null ? null : v1DateTime(c.postedOn),
  cancelledById: null,
  cancelledOn: null,
  createdById: SYSTEM_USER_ID,
  createdDate: v1DateTime(c.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: v1DateTime(c.updatedDate),
  success: true,
});

export const creditMemoItemV1 = (c: CreditMemo, x: CreditMemo["items"][number]) => ({
  id: x.id,
  amount: x.amount,
  amountWithoutTax: x.amount,
  appliedAmount: c.unappliedAmount === 0 ? x.amount : 0,
  unappliedAmount: c.unappliedAmount === 0 ? 0 : x.amount,
  refundAmount: 0,
  taxationItems: { data: [] },
  skuName: x.skuName,
  sourceItemId: x.sourceItemId,
  sourceItemType: "InvoiceDetail",
  serviceStartDate: c.creditMemoDate,
  serviceEndDate: c.creditMemoDate,
  financeInformation: { onAccountAccountingCode: null, revenueAccountingCode: x.accountingCode },
  createdById: SYSTEM_USER_ID,
  createdDate: v1DateTime(c.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: v1DateTime(c.updatedDate),
});

/* Object Query shapes. Null fields are left out unless includeNullFields=true. */

export const invoiceItemOq = (i: Invoice, x: InvoiceItem, productId: string | null) => ({
  id: x.id,
  invoiceId: i.id,
  accountId: i.accountId,
  chargeAmount: x.chargeAmount,
  chargeName: x.chargeName,
  chargeDate: isoDateTime(x.chargeDate),
  description: x.description,
  processingType: "Charge",
  quantity: x.quantity,
  unitPrice: x.unitPrice,
  uom: x.unitOfMeasure,
  taxAmount: x.taxAmount,
  taxCode: x.taxCode,
  balance: x.balance,
  serviceStartDate: x.serviceStartDate,
  serviceEndDate: x.serviceEndDate,
  sku: x.sku,
  productRatePlanChargeId: x.productRatePlanChargeId,
  productId,
  subscriptionId: x.subscriptionId,
  accountingCode: x.accountingCode,
  createdDate: isoDateTime(i.createdDate),
  updatedDate: isoDateTime(i.updatedDate),
});

export const invoiceOq = (i: Invoice) => ({
  id: i.id,
  invoiceNumber: i.invoiceNumber,
  accountId: i.accountId,
  status: i.status,
  amount: i.amount,
  amountWithoutTax: i.amountWithoutTax,
  taxAmount: i.taxAmount,
  balance: i.balance,
  paymentAmount: i.paymentAmount,
  creditMemoAmount: i.creditMemoAmount,
  currency: i.currency,
  invoiceDate: i.invoiceDate,
  dueDate: i.dueDate,
  targetDate: i.targetDate,
  postedDate: i.postedDate,
  postedBy: i.postedBy,
  paymentTerm: i.paymentTerm,
  reversed: false,
  sourceId: i.sourceId,
  sourceType: "Subscription",
  comments: i.comments === "" ? null : i.comments,
  createdById: SYSTEM_USER_ID,
  createdDate: isoDateTime(i.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: isoDateTime(i.updatedDate),
  ...i.customFields,
});

export const paymentOq = (p: Payment) => ({
  id: p.id,
  paymentNumber: p.number,
  accountId: p.accountId,
  amount: p.amount,
  appliedAmount: p.appliedAmount,
  unappliedAmount: p.unappliedAmount,
  refundAmount: p.refundAmount ?? 0,
  currency: p.currency,
  effectiveDate: p.effectiveDate,
  status: p.status,
  type: p.type,
  paymentMethodId: p.paymentMethodId,
  gatewayId: p.gatewayId,
  gatewayState: p.gatewayState,
  gatewayResponse: p.gatewayResponse,
  referenceId: p.referenceId,
  comment: p.comment,
  source: "PaymentRun",
  createdById: SYSTEM_USER_ID,
  createdDate: isoDateTime(p.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: isoDateTime(p.updatedDate),
});

export const creditMemoOq = (c: CreditMemo) => ({
  id: c.id,
  memoNumber: c.number,
  accountId: c.accountId,
  invoiceId: c.referredInvoiceId,
  totalAmount: c.amount,
  taxAmount: c.taxAmount,
  appliedAmount: c.appliedAmount,
  balance: c.unappliedAmount,
  refundAmount: 0,
  currency: c.currency,
  memoDate: c.creditMemoDate,
  status: c.status,
  reasonCode: c.reasonCode,
  source: c.source,
  sourceType: c.sourceType,
  comments: c.comment === "" ? null : c.comment,
  postedOn: c.postedOn === null ? null : isoDateTime(c.postedOn),
  createdById: SYSTEM_USER_ID,
  createdDate: isoDateTime(c.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: isoDateTime(c.updatedDate),
});

export const accountOq = (a: Account, balance: number) => ({
  id: a.id,
  accountNumber: a.accountNumber,
  name: a.name,
  status: a.status,
  currency: a.currency,
  balance,
  billCycleDay: a.billCycleDay,
  paymentTerm: a.paymentTerm,
  autoPay: a.autoPay,
  batch: a.batch,
  crmId: a.crmId,
  salesRep: a.salesRep,
  notes: a.notes === "" ? null : a.notes,
  billToId: a.billTo.id,
  soldToId: a.soldTo.id,
  defaultPaymentMethodId: a.defaultPaymentMethodId,
  createdDate: isoDateTime(a.createdDate),
  updatedDate: isoDateTime(a.updatedDate),
  ...a.customFields,
});

/**
 * A contact as Object Query's `expand[]=billto` embeds it in an account (`billTo`): the Contact
 * object's fields in Object Query spelling (`postalCode`, not v1's `zipCode`; ExpandedContact in
 * Zuora's Object Query reference). Empty texts are absent values (null).
 */
export const contactOq = (c: Contact, accountId: string) => {
  const text = (v: string) => (v === "" ? null : v);
  return {
    id: c.id,
    accountId,
    firstName: c.firstName,
    lastName: c.lastName,
    workEmail: text(c.workEmail),
    workPhone: text(c.workPhone),
    address1: text(c.address1),
    address2: text(c.address2),
    city: text(c.city),
    state: text(c.state),
    postalCode: text(c.zipCode),
    country: text(c.country),
    county: null,
    fax: null,
    homePhone: null,
    mobilePhone: null,
    nickName: null,
    otherPhone: null,
    otherPhoneType: null,
    personalEmail: null,
    taxRegion: null,
  };
};

/**
 * A payment application as `GET /object-query/payment-applications` lists it (Invoice Settlement):
 * one per invoice the payment is applied to, `applyAmount` the amount applied.
 */
export const paymentApplicationOq = (p: Payment, n: number) => {
  const a = p.applications[n]!;
  return {
    id: paymentApplicationId(p.id, n),
    paymentId: p.id,
    invoiceId: a.invoiceId,
    debitMemoId: null,
    accountId: p.accountId,
    applyAmount: a.amount,
    effectiveDate: p.effectiveDate,
    paymentApplicationStatus: "Processed",
    createdById: SYSTEM_USER_ID,
    createdDate: isoDateTime(p.createdDate),
    updatedById: SYSTEM_USER_ID,
    updatedDate: isoDateTime(p.createdDate),
  };
};

/** A product of the catalogue as `GET /object-query/products` lists it (the sandbox keeps no product dates). */
export const productOq = (c: { productId: string; productName: string }) => ({ id: c.productId, name: c.productName });

/** `GET /v1/refunds/{refundKey}` (GETRefundType): a refund of a payment names it in `paymentId`. */
export const refundV1 = (r: Refund) => ({
  id: r.id,
  number: r.number,
  accountId: r.accountId,
  paymentId: r.paymentId,
  creditMemoId: null,
  amount: r.amount,
  type: r.type,
  methodType: r.methodType,
  status: r.status,
  refundDate: r.refundDate,
  reasonCode: r.reasonCode,
  referenceId: r.referenceId,
  secondRefundReferenceId: null,
  comment: r.comment,
  gatewayId: null,
  gatewayState: r.gatewayState,
  gatewayResponse: r.type === "Electronic" ? "Approved" : null,
  gatewayResponseCode: r.type === "Electronic" ? "approve" : null,
  paymentMethodId: null,
  paymentMethodSnapshotId: null,
  refundTransactionTime: v1DateTime(r.createdDate),
  submittedOn: r.type === "Electronic" ? v1DateTime(r.createdDate) : null,
  markedForSubmissionOn: null,
  settledOn: null,
  cancelledOn: null,
  softDescriptor: null,
  softDescriptorPhone: null,
  payoutId: null,
  financeInformation: {
    bankAccountAccountingCode: r.currency === "EUR" ? "10250" : "10200",
    bankAccountAccountingCodeType: "Cash",
    transferredToAccounting: "No",
    unappliedPaymentAccountingCode: "11000",
    unappliedPaymentAccountingCodeType: "CustomerCashOnAccount",
  },
  createdById: SYSTEM_USER_ID,
  createdDate: v1DateTime(r.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: v1DateTime(r.updatedDate),
  success: true,
});

/** Stable 32-hex id of a refund's one application (to its payment). */
export const refundApplicationId = (refundId: string) => createHash("sha256").update(`${refundId}:refund-application`).digest("hex").slice(0, 32);

/** Object Query `refunds` (ExpandedRefund): the source (payment or credit memo) is in `refundApplications` when expanded. */
export const refundOq = (r: Refund) => ({
  id: r.id,
  refundNumber: r.number,
  accountId: r.accountId,
  amount: r.amount,
  currency: r.currency,
  type: r.type,
  methodType: r.methodType,
  status: r.status,
  refundDate: r.refundDate,
  reasonCode: r.reasonCode,
  referenceId: r.referenceId,
  comment: r.comment,
  gatewayState: r.gatewayState,
  sourceType: "Payment",
  cancelledOn: null,
  createdById: SYSTEM_USER_ID,
  createdDate: isoDateTime(r.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: isoDateTime(r.updatedDate),
});

/** An expanded refund application (ExpandedRefundApplication): what the refund took from which payment. */
export const refundApplicationOq = (r: Refund) => ({
  id: refundApplicationId(r.id),
  refundId: r.id,
  paymentId: r.paymentId,
  creditMemoId: null,
  invoiceId: null,
  accountId: r.accountId,
  applyAmount: r.amount,
  effectiveDate: r.refundDate,
  createdById: SYSTEM_USER_ID,
  createdDate: isoDateTime(r.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: isoDateTime(r.updatedDate),
});

/** Object Query `debit-memos` (ExpandedDebitMemo; the credited invoice as `invoiceId`, as credit memos name it). */
export const debitMemoOq = (d: DebitMemo) => ({
  id: d.id,
  memoNumber: d.number,
  accountId: d.accountId,
  status: d.status,
  currency: d.currency,
  totalAmount: d.amount,
  totalAmountWithoutTax: round2(d.amount - d.taxAmount),
  taxAmount: d.taxAmount,
  balance: d.balance,
  memoDate: d.memoDate,
  dueDate: d.dueDate,
  reasonCode: d.reasonCode,
  invoiceId: d.referredInvoiceId,
  sourceType: d.referredInvoiceId ? "Invoice" : "Standalone",
  createdById: SYSTEM_USER_ID,
  createdDate: isoDateTime(d.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: isoDateTime(d.updatedDate),
});

/** An expanded debit memo item (ExpandedDebitMemoItem), with its accounting code as invoice items carry it here. */
export const debitMemoItemOq = (d: DebitMemo, x: DebitMemo["items"][number]) => ({
  id: x.id,
  debitMemoId: d.id,
  amount: round2(x.amount + x.taxAmount),
  amountWithoutTax: x.amount,
  taxAmount: x.taxAmount,
  chargeName: x.chargeName,
  sku: x.sku,
  description: x.description,
  processingType: "Charge",
  accountingCode: x.accountingCode,
  productName: x.productName,
  createdDate: isoDateTime(d.createdDate),
  updatedDate: isoDateTime(d.updatedDate),
});

/** Object Query `invoice-item-adjustments` (the InvoiceItemAdjustment object's fields in Object Query spelling). */
export const adjustmentOq = (a: InvoiceItemAdjustment) => ({
  id: a.id,
  adjustmentNumber: a.number,
  accountId: a.accountId,
  invoiceId: a.invoiceId,
  sourceId: a.sourceId,
  sourceType: a.sourceType,
  type: a.type,
  amount: a.amount,
  adjustmentDate: a.adjustmentDate,
  reasonCode: a.reasonCode,
  accountingCode: a.accountingCode,
  status: a.status,
  comment: a.comment,
  createdById: SYSTEM_USER_ID,
  createdDate: isoDateTime(a.createdDate),
  updatedById: SYSTEM_USER_ID,
  updatedDate: isoDateTime(a.updatedDate),
});
