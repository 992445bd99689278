/** A link to a document in a vendor's own UI; `bestEffort` links are guesses at the vendor's URL scheme. */
export type RecordLink = { system: "Acumatica" | "Zuora"; label: string; href: string; bestEffort: boolean };

const ACUMATICA_SCREENS: Record<string, { screenId: string; docType?: string; keyParam: string; label: string }> = {
  invoice: { screenId: "AR301000", docType: "INV", keyParam: "RefNbr", label: "AR invoice" },
  "credit-memo": { screenId: "AR301000", docType: "CRM", keyParam: "RefNbr", label: "AR credit memo" },
  payment: { screenId: "AR302000", docType: "PMT", keyParam: "RefNbr", label: "AR payment" },
  account: { screenId: "AR303000", keyParam: "AcctCD", label: "Customer" },
};

const ZUORA_PATHS: Record<string, { path: string; label: string }> = {
  invoice: { path: "invoices", label: "Invoice" },
  "credit-memo": { path: "credit-memos", label: "Credit memo" },
  payment: { path: "payments", label: "Payment" },
  account: { path: "customer-accounts", label: "Billing account" },
};

/**
 * Zuora's UI host from its REST host: rest.na.zuora.com -> na.zuora.com, rest.apisandbox.zuora.com ->
 * apisandbox.zuora.com, rest.zuora.com -> www.zuora.com. Other hosts (e.g. the sandbox) are kept.
 */
const zuoraAppOrigin = (restBaseUrl: string) => {
  const url = new URL(restBaseUrl);
  if (url.hostname === "rest.zuora.com") url.hostname = "www.zuora.com";
  else if (url.hostname.startsWith("rest.")) url.hostname = url.hostname.slice(5);
  return url.origin + (url.hostname === new URL(restBaseUrl).hostname ? url.pathname.replace(/\/$/, "") : "");
};

/**
 * Links to a record's document in both systems. Acumatica: the document's entry screen
 * (`<instance>/Main?ScreenId=AR301000&DocType=INV&RefNbr=...`), known once posted. Zuora: best effort
 * (`<app host>/platform/<object>/<id>`): Zuora does not document stable UI URLs and tenants differ.
 */
export const buildRecordLinks = ({
  objectType,
  sourceId,
  targetRef,
  targetId,
  sourceVendor,
  sourceBaseUrl,
  targetVendor,
  targetBaseUrl,
}: {
  objectType: string;
  sourceId: string;
  targetRef: string | null;
  targetId: string | null;
  sourceVendor: string;
  sourceBaseUrl: string;
  targetVendor: string;
  targetBaseUrl: string;
}): RecordLink[] => {
  const links: RecordLink[] = [];
  const zuora = ZUORA_PATHS[objectType];
  if (sourceVendor === "zuora" && zuora) {
    try {
      links.push({ system: "Zuora", label: `${zuora.label} in Zuora`, href: `${zuoraAppOrigin(sourceBaseUrl)}/platform/${zuora.path}/${encodeURIComponent(sourceId)}`, bestEffort: true });
    } catch {
      // a base URL that is not a URL gets no link
    }
  }
  const screen = ACUMATICA_SCREENS[objectType];
  const ref = targetRef ?? (objectType === "account" ? targetId : null);
  if (targetVendor === "acumatica" && screen && ref) {
    const params = new URLSearchParams({ ScreenId: screen.screenId, ...(screen.docType ? { DocType: screen.docType } : {}), [screen.keyParam]: ref });
    links.push({ system: "Acumatica", label: `${screen.label} ${ref} in Acumatica`, href: `${targetBaseUrl.replace(/\/$/, "")}/Main?${params.toString()}`, bestEffort: false });
  }
  return links;
};
