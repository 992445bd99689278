import { describe, expect, it } from "vitest";
import { statementKind } from "./sql-stats";

describe("statementKind", () => {
  it.each([
    ['WITH u AS (UPDATE "SyncRecord" SET x = 1 RETURNING id), rj AS (SELECT graphile_worker.remove_job($1)) SELECT 1', "UPDATE SyncRecord"],
    ['WITH ins AS (INSERT INTO "InboundEvent" (a) VALUES (1) RETURNING id) SELECT graphile_worker.add_jobs(x)', "INSERT InboundEvent"],
    ["WITH d AS (DELETE FROM graphile_worker._private_jobs WHERE id = 1) SELECT 1", "DELETE graphile_worker._private_jobs"],
    ['WITH r AS (SELECT * FROM "SyncRecord") SELECT * FROM r', "SELECT SyncRecord"],
    ["SELECT count(*) FROM graphile_worker.add_jobs(ARRAY[]::graphile_worker.job_spec[])", "SELECT graphile_worker.add_jobs"],
    ['UPDATE "VendorCallSlot" SET a = 1', "UPDATE VendorCallSlot"],
    ["/* graphile */ BEGIN", "BEGIN"],
  ])("%s -> %s", (query, kind) => {
    expect(statementKind(query)).toBe(kind);
  });
});
