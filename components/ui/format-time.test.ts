import { describe, expect, it } from "vitest";
import { formatCalendarDate, formatInstant, utcDayRange } from "./format-time";

describe("the time policy", () => {
  it("shows an instant in UTC, labelled, whatever the process's zone", () => {
    expect(formatInstant("2026-12-06T23:30:05.123Z")).toBe("2026-12-06 23:30:05 UTC");
    expect(formatInstant(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("2026-01-02 03:04:05 UTC");
    expect(formatInstant(null)).toBe("");
    expect(formatInstant("not a time")).toBe("");
  });

  it("shows a document date as written, without moving it to another day", () => {
    expect(formatCalendarDate("2026-12-06T00:00:00.000Z")).toBe("2026-12-06");
    expect(formatCalendarDate("2026-12-06")).toBe("2026-12-06");
    expect(formatCalendarDate(null)).toBe("");
  });

  it("makes a day filter the UTC days the list displays, `to` inclusive", () => {
    const { start, end } = utcDayRange({ from: "2026-12-06", to: "2026-12-06" });
    expect(start!.toISOString()).toBe("2026-12-06T00:00:00.000Z");
    expect(end!.toISOString()).toBe("2026-12-07T00:00:00.000Z");
    // The instant displayed as "2026-12-06 23:30:05 UTC" is inside the filter of 2026-12-06.
    const shown = new Date("2026-12-06T23:30:05Z");
    expect(shown >= start! && shown < end!).toBe(true);
    expect(utcDayRange({})).toEqual({});
  });
});
