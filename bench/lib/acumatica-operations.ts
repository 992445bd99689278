/*
 * Acumatica requests grouped by what they do, from the sandbox's counters by route ("GET Invoice",
 * "PUT Invoice", "POST Invoice/ReleaseInvoice", "GET Invoice/ReleaseInvoice/status", ...):
 * - look-up: a list read with $filter (the natural-key look-up before a create; a batched status read
 *   by filter counts here too, since it is the same route),
 * - create: PUT (create or update),
 * - release: POST of an action (Release*),
 * - status: GET of an action's status (the release's long-running operation),
 * - read: GET of one entity by its keys or id,
 * - auth: token, login, logout, discovery,
 * - other: anything else (DELETE, $adHocSchema, the entity list).
 */

export type AcumaticaOperation = "look-up" | "create" | "release" | "status" | "read" | "auth" | "other";

export const operationOfRoute = (route: string): AcumaticaOperation => {
  if (/^(POST|GET) (identity|auth)\//.test(route)) return "auth";
  if (/^GET \w+\/\w+\/status$/.test(route)) return "status";
  if (/^POST \w+\/\w+$/.test(route)) return "release";
  if (/^PUT \w+$/.test(route)) return "create";
  if (/^GET \w+\/\{keys\}$/.test(route)) return "read";
  if (/^GET \w+$/.test(route) && route !== "GET entity") return "look-up";
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
