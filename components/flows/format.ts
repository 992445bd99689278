import cronstrue from "cronstrue";

// Display helpers shared by the flow, connection and dashboard pages. Times are shown in UTC and
// labelled so, so the server render and the browser agree and nobody converts in their head.

/** "2026-05-20 14:03 UTC" */
export const formatUtc = (iso: string | null | undefined): string => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "—");

/** "2.5 s", "3 min 4 s" */
export const formatDuration = (ms: number | null): string => {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
};

/** A cron expression in words ("every 15 minutes"), or null when it cannot be read. */
export const describeSchedule = (cron: string | null): string => {
  if (!cron) return "No schedule (callouts and Sync now only)";
  try {
    const text = cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false });
    return `${text.charAt(0).toLowerCase()}${text.slice(1)} (UTC)`;
  } catch {
    return "not a valid schedule";
  }
};

/** A decimal string with thousands separators and 2 decimals, without going through floating point. */
export const formatAmount = (value: string): string => {
  const isNegative = value.startsWith("-");
  const [whole = "0", fraction = ""] = value.replace(/^-/, "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${isNegative ? "−" : ""}${grouped}.${(fraction + "00").slice(0, 2)}`;
};

/** "3 minutes ago" style age against `now` (ms). */
export const formatAge = (iso: string | null, now: number): string => {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
};
