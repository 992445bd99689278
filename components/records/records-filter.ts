import type { RecordFilter } from "@/lib/records/schemas";

/** The records list filter as it sits in the page URL (dates are whole days, `to` inclusive). */
export type RecordsSearch = { flowId?: string; status?: string; objectType?: string; from?: string; to?: string; q?: string };

export const RECORD_STATUSES = ["posted", "held", "failed", "skipped", "pending"] as const;
export const OBJECT_TYPES = [
  { value: "invoice", label: "Invoices" },
  { value: "payment", label: "Payments" },
  { value: "credit-memo", label: "Credit memos" },
  { value: "account", label: "Billing accounts" },
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Only the known, well-formed parameters of a URL query (anything else is dropped, never an error page). */
export const readRecordsSearch = (params: Record<string, string | string[] | undefined>): RecordsSearch => {
  const one = (k: string) => {
    const v = params[k];
    return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
  };
  const s: RecordsSearch = {};
  const flowId = one("flowId");
  if (flowId && UUID.test(flowId)) s.flowId = flowId;
  const status = one("status");
  if (status && (RECORD_STATUSES as readonly string[]).includes(status)) s.status = status;
  const objectType = one("objectType");
  if (objectType && objectType.length <= 50) s.objectType = objectType;
  const from = one("from");
  if (from && DAY.test(from)) s.from = from;
  const to = one("to");
  if (to && DAY.test(to)) s.to = to;
  const q = one("q");
  if (q) s.q = q.slice(0, 100);
  return s;
};

/** The API filter of a URL filter: days in UTC, `to` made exclusive (the next day). */
export const toRecordFilter = (s: RecordsSearch): RecordFilter => {
  const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000);
  return {
    ...(s.flowId ? { flowId: s.flowId } : {}),
    ...(s.status ? { status: s.status as RecordFilter["status"] } : {}),
    ...(s.objectType ? { objectType: s.objectType } : {}),
    ...(s.from ? { from: new Date(`${s.from}T00:00:00Z`) } : {}),
    ...(s.to ? { to: nextDay(s.to) } : {}),
    ...(s.q ? { q: s.q } : {}),
  };
};

/** Query string of a filter for the JSON API (dates as ISO). */
export const toApiQuery = (s: RecordsSearch, extra: Record<string, string | undefined> = {}) => {
  const f = toRecordFilter(s);
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v !== undefined) q.set(k, v instanceof Date ? v.toISOString() : String(v));
  return q.toString();
};
