/*
 * Dates as NetSuite shows them. Record JSON carries datetimes as ISO 8601 UTC without milliseconds
 * ("2023-02-06T09:48:00Z") and dates as "YYYY-MM-DD". Query languages work in the account's time zone and
 * date format: a `q` date literal is "M/D/YYYY" (N/query's format follows the account preference), SuiteQL
 * shows a date or datetime column as a date in that format unless TO_CHAR asks for more.
 */

export type ZonedParts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timeZone: string) => {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
};

/** Wall-clock parts of an instant in a time zone. */
export const zonedParts = (ms: number, timeZone: string): ZonedParts => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
};

/** The instant at which the wall clock of `timeZone` shows `parts` (the earlier one in a DST overlap). */
export const zonedToMs = (parts: ZonedParts, timeZone: string): number => {
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  let guess = asUtc;
  for (let i = 0; i < 2; i += 1) {
    const shown = zonedParts(guess, timeZone);
    const shownUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute, shown.second);
    guess += asUtc - shownUtc;
  }
  return guess;
};

/** "2023-02-06T09:48:00Z" */
export const isoDateTime = (ms: number): string => `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;

/** "YYYY-MM-DD" of an instant in the account's time zone. */
export const isoDateIn = (ms: number, timeZone: string): string => {
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
};

/** The account date format "M/D/YYYY" (NetSuite's US default). */
export const accountDate = (ms: number, timeZone: string): string => {
  const p = zonedParts(ms, timeZone);
  return `${p.month}/${p.day}/${p.year}`;
};

/** An ISO "YYYY-MM-DD" date field shown in the account date format. */
export const accountDateOfIso = (date: string): string => {
  const [y, m, d] = date.split("-").map(Number);
  return `${m}/${d}/${y}`;
};

/**
 * A `q` date or datetime literal in the account format: "M/D/YYYY" or "M/D/YYYY h:mm am|pm". Returns the
 * instant and whether a time was given; undefined when it does not parse (NetSuite then answers 400).
 */
export const parseAccountDateTime = (text: string, timeZone: string): { ms: number; hasTime: boolean } | undefined => {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})\s*([ap]m))?$/i.exec(text.trim());
  if (!match) return undefined;
  const [, m, d, y, h, mi, ampm] = match;
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  let hour = 0;
  if (h !== undefined) {
    hour = Number(h) % 12;
    if (Number(h) > 12 || Number(h) === 0) return undefined;
    if (ampm?.toLowerCase() === "pm") hour += 12;
  }
  return { ms: zonedToMs({ year: Number(y), month, day, hour, minute: Number(mi ?? 0), second: 0 }, timeZone), hasTime: h !== undefined };
};

/** Start of the account-local day that contains `ms`. */
export const startOfZonedDay = (ms: number, timeZone: string): number => {
  const p = zonedParts(ms, timeZone);
  return zonedToMs({ ...p, hour: 0, minute: 0, second: 0 }, timeZone);
};

const ORACLE_TOKENS = /"[^"]*"|YYYY|HH24|HH12|HH|MI|SS|MM|DD|AM|PM/g;

/** Oracle TO_CHAR for the tokens SuiteQL users need to page by time: YYYY MM DD HH24 HH MI SS AM and "quoted text". */
export const oracleFormat = (ms: number, format: string, timeZone: string): string => {
  const p = zonedParts(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return format.replace(ORACLE_TOKENS, (token) => {
    switch (token) {
      case "YYYY":
        return String(p.year);
      case "MM":
        return two(p.month);
      case "DD":
        return two(p.day);
      case "HH24":
        return two(p.hour);
      case "HH":
      case "HH12":
        return two(p.hour % 12 === 0 ? 12 : p.hour % 12);
      case "MI":
        return two(p.minute);
      case "SS":
        return two(p.second);
      case "AM":
      case "PM":
        return p.hour < 12 ? "AM" : "PM";
      default:
        return token.slice(1, -1);
    }
  });
};

/** Oracle TO_DATE / TO_TIMESTAMP for the same tokens; undefined when the text does not match the format. */
export const oracleParse = (text: string, format: string, timeZone: string): number | undefined => {
  const fields: string[] = [];
  let pattern = "^";
  let last = 0;
  for (const match of format.matchAll(ORACLE_TOKENS)) {
    pattern += format.slice(last, match.index).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const token = match[0];
    if (token.startsWith('"')) pattern += token.slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (token === "AM" || token === "PM") {
      pattern += "(AM|PM)";
      fields.push("AM");
    } else {
      pattern += token === "YYYY" ? "(\\d{4})" : "(\\d{1,2})";
      fields.push(token);
    }
    last = match.index + token.length;
  }
  pattern += `${format.slice(last).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
  const match = new RegExp(pattern, "i").exec(text.trim());
  if (!match) return undefined;
  const parts: ZonedParts = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  let pm = false;
  fields.forEach((field, i) => {
    const value = match[i + 1] ?? "";
    if (field === "AM") pm = value.toUpperCase() === "PM";
    else if (field === "YYYY") parts.year = Number(value);
    else if (field === "MM") parts.month = Number(value);
    else if (field === "DD") parts.day = Number(value);
    else if (field === "HH24") parts.hour = Number(value);
    else if (field === "HH" || field === "HH12") parts.hour = Number(value) % 12;
    else if (field === "MI") parts.minute = Number(value);
    else if (field === "SS") parts.second = Number(value);
  });
  if (pm) parts.hour += 12;
  if (parts.month < 1 || parts.month > 12 || parts.day < 1 || parts.day > 31 || parts.hour > 23 || parts.minute > 59 || parts.second > 59) return undefined;
  return zonedToMs(parts, timeZone);
};
