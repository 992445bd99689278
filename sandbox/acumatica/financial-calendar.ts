/**
 * The master financial calendar (GL201000, entity FinancialPeriod, key FinancialYear): one record per
 * year with twelve monthly periods, each with a Status (Open / Closed) and its Closed in AR/AP/CA/IN/FA
 * flags. Periods are spelled `MMYYYY` in the API (the UI's `MM-YYYY` without the mask). A year the
 * calendar does not have yet is created, all periods Open, when a period of it is opened or closed.
 */
import { randomUUID } from "node:crypto";
import type { StoredRecord, StoredRow } from "./records";

export type PeriodStatus = "Open" | "Closed";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const MODULE_FLAGS = ["ClosedInAR", "ClosedInAP", "ClosedInCA", "ClosedInIN", "ClosedInFA"] as const;

const midnight = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** A new year of the calendar: twelve Open periods. */
export const newFinancialYear = (year: string): StoredRecord => {
  const y = Number(year);
  const details: StoredRow[] = MONTHS.map((name, i) => {
    const days = new Date(Date.UTC(y, i + 1, 0)).getUTCDate();
    const row: StoredRow = {
      id: randomUUID(),
      fields: {
        FinancialPeriodID: `${String(i + 1).padStart(2, "0")}${year}`,
        PeriodNbr: String(i + 1).padStart(2, "0"),
        Description: name,
        StartDate: midnight(y, i, 1),
        EndDate: midnight(y, i, days),
        LengthInDays: days,
        AdjustmentPeriod: false,
        Status: "Open",
      },
    };
    for (const flag of MODULE_FLAGS) row.fields[flag] = false;
    return row;
  });
  return {
    id: randomUUID(),
    seq: 0,
    fields: { FinancialYear: year, NbrOfPeriods: 12, StartDate: midnight(y, 0, 1), UserDefinedPeriods: false },
    details: { Details: details },
    links: {},
  };
};

/** The period row of `period` (`MMYYYY`) in its year's record. */
export const periodRow = (year: StoredRecord | undefined, period: string): StoredRow | undefined =>
  year?.details.Details?.find((row) => row.fields.PeriodNbr === period.slice(0, 2));

/** Sets a period row's status and its per-module flags (closing or reopening every module at once). */
export const setRowStatus = (row: StoredRow, status: PeriodStatus) => {
  row.fields.Status = status;
  for (const flag of MODULE_FLAGS) row.fields[flag] = status === "Closed";
};

/** Closed for AR documents: the period is Closed, or closed in Accounts Receivable. */
export const isClosedInAr = (row: StoredRow | undefined) => row !== undefined && (row.fields.Status === "Closed" || row.fields.ClosedInAR === true);
