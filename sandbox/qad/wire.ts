import type { WorkspaceData } from "./store";
import type { Customer, CustomerAdjustment, CustomerInvoice, CustomerPayment } from "./types";

/*
 * Records as the API returns them: camelCase members, posting lines and allocations under the collection's
 * own names, and QAD's entity URI (`urn:be:<interface>:<key parts joined by dots>`, the observed form).
 */

const allocationsOut = (allocations: CustomerPayment["allocations"], amountKey: string) =>
  allocations.map((a) => ({ dInvoiceVoucher: a.dInvoiceVoucher, dInvoiceReference: a.dInvoiceReference, [amountKey]: a.amountTC }));

export const toWire = (collection: string, record: unknown): Record<string, unknown> => {
  switch (collection) {
    case "customerInvoices": {
      const { lines, ...rest } = record as CustomerInvoice;
      return { ...rest, customerInvoiceLines: lines.map((l) => ({ ...l })) };
    }
    case "customerPayments": {
      const { allocations, ...rest } = record as CustomerPayment;
      return { ...rest, customerPaymentAllocations: allocationsOut(allocations, "dDocumentInvoiceXrefAlloTC") };
    }
    case "customerAdjustments": {
      const { lines, allocations, ...rest } = record as CustomerAdjustment;
      return { ...rest, customerAdjustmentLines: lines.map((l) => ({ ...l })), customerAdjustmentAllocations: allocationsOut(allocations, "allocatedAmountTC") };
    }
    default:
      return { ...(record as Customer) };
  }
};

export const entityUri = (collection: string, data: WorkspaceData, record: unknown): string => {
  const { domainCode, entityCode } = data.workspace;
  switch (collection) {
    case "customerInvoices":
      return `urn:be:com.qad.financials.ICustomerInvoice:${domainCode}.${entityCode}.${(record as CustomerInvoice).dInvoiceVoucher}`;
    case "customerPayments":
      return `urn:be:com.qad.financials.ICustomerPayment:${domainCode}.${entityCode}.${(record as CustomerPayment).dDocumentVoucher}`;
    case "customerAdjustments":
      return `urn:be:com.qad.financials.ICustomerAdjustment:${domainCode}.${entityCode}.${(record as CustomerAdjustment).dInvoiceVoucher}`;
    default: {
      const c = record as Customer;
      return `urn:be:com.qad.base.customer.ICustomerV2:${c.sharedSetCode}.${c.customerCode}`;
    }
  }
};
