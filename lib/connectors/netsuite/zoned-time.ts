/*
 * SuiteQL shows and compares datetimes in the account's time zone, as text. These convert between an
 * instant and that wall-clock text ("YYYY-MM-DD HH:MM:SS") with Intl, so no time-zone table ships with us.
 */

const partsFormat = new Map<string, Intl.DateTimeFormat>();
const formatOf = (timeZone: string) => {
  let f = partsFormat.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    partsFormat.set(timeZone, f);
  }
  return f;
};

/** The wall-clock time of `instant` in `timeZone`, "YYYY-MM-DD HH:MM:SS". */
export const toZonedText = (instant: Date, timeZone: string): string => {
  const p = Object.fromEntries(formatOf(timeZone).formatToParts(instant).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
};

/** The instant whose wall-clock time in `timeZone` is `text` ("YYYY-MM-DD HH:MM:SS" or with a "T"); null when unreadable. */
export const fromZonedText = (text: string, timeZone: string): Date | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const asUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  // The zone's offset at the guess, then once more at the corrected instant (DST edges).
  let guess = asUtc;
  for (let i = 0; i < 2; i += 1) {
    const shown = Date.parse(`${toZonedText(new Date(guess), timeZone).replace(" ", "T")}Z`);
    guess += asUtc - shown;
  }
  return new Date(guess);
};
