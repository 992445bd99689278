import type { DocumentLink } from "../types";

/**
 * The entry screen of each document a flow writes to (or reads from) Acumatica, with the key fields
 * the screen opens by. Screen ids from the Default endpoint's contracts (Customer AR303000, Invoice
 * AR301000, Payment AR302000); DocType codes are the AR document types (INV invoice, CRM credit memo,
 * PMT payment, REF customer refund).
 */
const SCREENS: Readonly<Record<string, { screenId: string; docType?: string; keyParam: string; label: string }>> = {
  invoice: { screenId: "AR301000", docType: "INV", keyParam: "RefNbr", label: "AR invoice" },
  "credit-memo": { screenId: "AR301000", docType: "CRM", keyParam: "RefNbr", label: "AR credit memo" },
  payment: { screenId: "AR302000", docType: "PMT", keyParam: "RefNbr", label: "AR payment" },
  refund: { screenId: "AR302000", docType: "REF", keyParam: "RefNbr", label: "AR customer refund" },
  account: { screenId: "AR303000", keyParam: "AcctCD", label: "Customer" },
  customer: { screenId: "AR303000", keyParam: "AcctCD", label: "Customer" },
};

/**
 * A document's entry screen on the connection's instance: `<instance>/Main?ScreenId=AR301000&DocType=INV&RefNbr=…`
 * (Acumatica opens a form by `Main?ScreenId=<screen id>` plus its key fields as query parameters: its
 * Report Designer guide, "Report Content: To Add QR Codes to a Report", links items as
 * `http://<URL of Your Instance>/Main?ScreenId=AR301000&InventoryCD=…`).
 * Keyed by the document number (`ref`: reference number, customer ID), never by the entity's GUID;
 * null without one, for objects without an entry screen here, or for a base URL that is not http(s).
 */
export const buildAcumaticaDocumentLink = ({ objectType, ref, baseUrl }: { objectType: string; id: string | null; ref: string | null; baseUrl: string }): DocumentLink | null => {
  const screen = Object.hasOwn(SCREENS, objectType) ? SCREENS[objectType] : undefined;
  if (!screen || !ref) return null;
  if (!URL.canParse(baseUrl) || !["http:", "https:"].includes(new URL(baseUrl).protocol)) return null;
  const params = new URLSearchParams({ ScreenId: screen.screenId, ...(screen.docType ? { DocType: screen.docType } : {}), [screen.keyParam]: ref });
  return { label: `${screen.label} ${ref} in Acumatica`, href: `${baseUrl.replace(/\/+$/, "")}/Main?${params.toString()}`, bestEffort: false };
};
