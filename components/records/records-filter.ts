import { utcDayRange } from "@/components/ui/format-time";
import type { RecordFilter } from "@/lib/records/schemas";

/**
 * The records list filter as it sits in the page URL. `from`/`to` are received days in UTC (the zone
 * the list shows times in), `to` inclusive; `documentFrom`/`documentTo` are document dates as written.
 */
export type RecordsSearch = {
  flowId?: string;
  status?: string;
  objectType?: string;
  from?: string;
  to?: string;
  documentFrom?: string;
  documentTo?: string;
  amountMin?: string;
  amountMax?: string;
  q?: string;
};

export const RECORD_STATUSES = ["posted", "held", "failed", "skipped", "pending"] as const;
export const OBJECT_TYPES = [
  { value: "invoice", label: "Invoices" },
  { value: "payment", label: "Payments" },
  { value: "credit-memo", label: "Credit memos" },
  { value: "account", label: "Billing accounts" },
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const AMOUNT = /^-?\d{1,15}(\.\d{1,4})?$/;

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
  for (const k of ["documentFrom", "documentTo"] as const) {
    const day = one(k);
    if (day && DAY.test(day)) s[k] = day;
  }
  for (const k of ["amountMin", "amountMax"] as const) {
    const amount = one(k)?.replace(/,/g, "");
    if (amount && AMOUNT.test(amount)) s[k] = amount;
  }
  const q = one("q");
  if (q) s.q = q.slice(0, 100);
  return s;
};

/** The API filter of a URL filter: received days as the UTC days the list shows, `to` made exclusive. */
export const toRecordFilter = (s: RecordsSearch): RecordFilter => {
  const { start, end } = utcDayRange({ from: s.from, to: s.to });
  return {
    ...(s.flowId ? { flowId: s.flowId } : {}),
    ...(s.status ? { status: s.status as RecordFilter["status"] } : {}),
    ...(s.objectType ? { objectType: s.objectType } : {}),
    ...(start ? { from: start } : {}),
    ...(end ? { to: end } : {}),
    ...(s.documentFrom ? { documentFrom: s.documentFrom } : {}),
    ...(s.documentTo ? { documentTo: s.documentTo } : {}),
    ...(s.amountMin ? { amountMin: Number(s.amountMin) } : {}),
    ...(s.amountMax ? { amountMax: Number(s.amountMax) } : {}),
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
