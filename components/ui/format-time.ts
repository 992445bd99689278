/**
 * The app's one time policy, safe on the server and in the browser alike:
 * - an instant (received, posted, an audit event) is shown in UTC, ISO-style and labelled
 *   ("2026-12-06 14:05:09 UTC"), so the server render and the browser's agree whatever the browser's
 *   zone (no hydration mismatch) and nobody has to guess which zone a time is in;
 * - a day filter on instants means that UTC day, the same day the list displays;
 * - a document's own date (invoice date) is a calendar date with no zone: shown as written, "2026-12-06".
 */
export const TIME_ZONE_LABEL = "UTC";

const toDate = (value: string | Date) => (typeof value === "string" ? new Date(value) : value);

/** "2026-12-06 14:05:09 UTC", or "" for no value or an unreadable one. */
export const formatInstant = (value: string | Date | null | undefined): string => {
  if (!value) return "";
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} ${TIME_ZONE_LABEL}`;
};

/** A calendar date as written ("2026-12-06"), from "2026-12-06" or a midnight-UTC ISO timestamp. */
export const formatCalendarDate = (value: string | null | undefined): string => (value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : "");

/** The half-open UTC interval [start, end) of the days `from`..`to` ("YYYY-MM-DD", `to` inclusive). */
export const utcDayRange = ({ from, to }: { from?: string; to?: string }): { start?: Date; end?: Date } => ({
  ...(from ? { start: new Date(`${from}T00:00:00.000Z`) } : {}),
  ...(to ? { end: new Date(Date.parse(`${to}T00:00:00.000Z`) + 86_400_000) } : {}),
});
