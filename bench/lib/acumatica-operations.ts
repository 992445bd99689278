/*
 * Acumatica requests grouped by what they do, from the sandbox's counters by route ("PUT Invoice",
 * "POST Invoice/ReleaseInvoice", "GET Invoice/ReleaseInvoice/status", list reads by the fields their
 * $filter names: "GET Invoice?$filter=CustomerOrder,Type", "GET Invoice?$filter=ReferenceNbr", ...):
 * - look-up: a list read filtered on a natural key other than the document's number (CustomerOrder,
 *   ExternalRef, CustomerID, Description): the look-up before a create, one record's or a poll page's;
 * - create: PUT (create or update),
 * - release: POST of an action (Release*),
 * - status: a release's status: a list read filtered on the documents' own numbers (ReferenceNbr,
 *   the batched status read after releases) or a GET of an action's Location,
 * - read: GET of one entity by its keys or id, or an unfiltered or change-stamp list read (catalogues, polls),
 * - auth: token, login, logout, discovery,
 * - other: anything else (DELETE, $adHocSchema, the entity list).
 */

export type AcumaticaOperation = "look-up" | "create" | "release" | "status" | "read" | "auth" | "other";

/** Fields that name a document the caller already knows (its own number and type), not a natural key. */
const DOCUMENT_NUMBER_FIELDS = new Set(["ReferenceNbr", "Type"]);

export const operationOfRoute = (route: string): AcumaticaOperation => {
  if (/^(POST|GET) (identity|auth)\//.test(route)) return "auth";
  if (/^GET \w+\/\w+\/status$/.test(route)) return "status";
  if (/^POST \w+\/\w+$/.test(route)) return "release";
  if (/^PUT \w+$/.test(route)) return "create";
  if (/^GET \w+\/\{keys\}$/.test(route)) return "read";
  const list = /^GET (\w+)(?:\?\$filter=(.*))?$/.exec(route);
  if (list && route !== "GET entity") {
    const fields = list[2] === undefined ? [] : list[2].split(",");
    if (fields.length === 0 || fields.includes("LastModifiedDateTime")) return "read";
    return fields.every((f) => DOCUMENT_NUMBER_FIELDS.has(f)) ? "status" : "look-up";
  }
  return "other";
};

/** Calls per document by operation (only operations that were called), two decimals. */
export const acumaticaCallsByOperation = (byRoute: Record<string, number>, documents: number): Record<string, number> => {
  const sums = new Map<AcumaticaOperation, number>();
  for (const [route, n] of Object.entries(byRoute)) sums.set(operationOfRoute(route), (sums.get(operationOfRoute(route)) ?? 0) + n);
  const order: AcumaticaOperation[] = ["look-up", "create", "release", "status", "read", "auth", "other"];
  return Object.fromEntries(order.filter((op) => sums.has(op)).map((op) => [op, Number(((sums.get(op) ?? 0) / Math.max(1, documents)).toFixed(2))]));
};

export const formatOperations = (byOperation: Record<string, number>) =>
  Object.entries(byOperation)
    .map(([op, n]) => `${op} ${n}`)
    .join(", ");
