import { parseCronItem } from "graphile-worker";
import { AppError } from "../errors";

/** Checks a cron expression with graphile-worker's own parser, the one the poll sweep uses. */
export const validateSchedule = (schedule: string | null): void => {
  if (schedule === null) return;
  try {
    parseCronItem({ task: "poll-flow", match: schedule, identifier: "schedule-check" });
  } catch (err) {
    throw new AppError("INVALID_INPUT", { userMessage: `schedule: "${schedule}" is not a valid cron expression (${err instanceof Error ? err.message : "invalid"}).` });
  }
};
