import type { DocumentLink } from "../types";

/** The UI page of each object a flow reads from (or writes to) Zuora, by the object's Zuora id. */
const PAGES: Readonly<Record<string, { path: string; label: string }>> = {
  invoice: { path: "invoices", label: "Invoice" },
  "credit-memo": { path: "credit-memos", label: "Credit memo" },
  payment: { path: "payments", label: "Payment" },
  account: { path: "customer-accounts", label: "Billing account" },
  customer: { path: "customer-accounts", label: "Billing account" },
};

/**
 * Zuora's UI host from its REST host: rest.na.zuora.com -> na.zuora.com, rest.apisandbox.zuora.com ->
 * apisandbox.zuora.com, rest.zuora.com -> www.zuora.com. Other hosts (e.g. the sandbox) keep their path.
 */
const appOrigin = (restBaseUrl: URL) => {
  const url = new URL(restBaseUrl);
  if (url.hostname === "rest.zuora.com") url.hostname = "www.zuora.com";
  else if (url.hostname.startsWith("rest.")) url.hostname = url.hostname.slice(5);
  return url.origin + (url.hostname === restBaseUrl.hostname ? url.pathname.replace(/\/$/, "") : "");
};

/**
 * Best effort: `<UI host>/platform/<object>/<id>`. Zuora documents no stable UI URLs (its UI pages move
 * between the classic `apps/*.do` and the `platform/` apps, and tenants differ), so the link may not open.
 * Null without the Zuora id, for objects without a page here, or for a base URL that is not http(s).
 */
export const buildZuoraDocumentLink = ({ objectType, id, baseUrl }: { objectType: string; id: string | null; ref: string | null; baseUrl: string }): DocumentLink | null => {
  const page = Object.hasOwn(PAGES, objectType) ? PAGES[objectType] : undefined;
  if (!page || !id || !URL.canParse(baseUrl)) return null;
  const rest = new URL(baseUrl);
  if (rest.protocol !== "http:" && rest.protocol !== "https:") return null;
  return { label: `${page.label} in Zuora`, href: `${appOrigin(rest)}/platform/${page.path}/${encodeURIComponent(id)}`, bestEffort: true };
};
