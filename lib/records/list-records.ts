import type { Db } from "../db";
import { buildRecordWhere } from "./build-record-where";
import { labelMissingKeys, type LabelledMissingKey } from "./label-missing-keys";
import { decodeRecordCursor, encodeRecordCursor, recordFilterSchema, type RecordFilter } from "./schemas";

/** One row of the records list: never the payload columns (they can be large). */
export type RecordListItem = {
  id: string;
  flowId: string;
  objectType: string;
  sourceId: string;
  naturalKey: string | null;
  status: "pending" | "posted" | "held" | "failed" | "skipped";
  statusReason: string | null;
  /** what a held record waits on (mappings, or documents to post first, with their numbers) */
  missing: LabelledMissingKey[] | null;
  amount: string | null;
  currency: string | null;
  documentDate: Date | null;
  targetRef: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  postedAt: Date | null;
  /** a record retried after a failed attempt (pending with an error): when the queue runs its next attempt (its `record:<id>` job's run_at) */
  nextAttemptAt: Date | null;
};

/**
 * Records newest first, keyset-paginated on (createdAt desc, id desc) (the schema's indexes), so
 * page N costs the same as page 1: `createdAt <= cursor` is the index seek (the OR alone would only
 * filter, and a deep page would cost its depth). `nextCursor` is null on the last page. `limit` 1..200.
 */
export const listRecords = async ({
  db,
  filter = {},
  cursor,
  limit = 50,
}: {
  db: Db;
  filter?: RecordFilter;
  cursor?: string | null;
  limit?: number;
}): Promise<{ items: RecordListItem[]; nextCursor: string | null }> => {
  const where = buildRecordWhere(recordFilterSchema.parse(filter));
  const take = Math.min(Math.max(Math.trunc(limit), 1), 200);
  const after = cursor ? decodeRecordCursor(cursor) : null;
  const rows = await db.syncRecord.findMany({
    where: after
      ? { AND: [where, { createdAt: { lte: after.createdAt } }, { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }] }
      : where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: take + 1,
    select: {
      id: true,
      flowId: true,
      objectType: true,
      sourceId: true,
      naturalKey: true,
      status: true,
      statusReason: true,
      missing: true,
      amount: true,
      currency: true,
      documentDate: true,
      targetRef: true,
      attempts: true,
      lastError: true,
      createdAt: true,
      updatedAt: true,
      postedAt: true,
    },
  });
  const page = rows.slice(0, take);
  const retried = page.filter((r) => r.status === "pending" && r.lastError !== null).map((r) => `record:${r.id}`);
  const jobs = retried.length
    ? await db.$queryRaw<{ key: string; runAt: Date }[]>`SELECT key, run_at AS "runAt" FROM graphile_worker.jobs WHERE key = ANY(${retried}::text[])`
    : [];
  const nextAttempt = new Map(jobs.map((j) => [j.key, j.runAt]));
  const missing = await labelMissingKeys({ db, flowId: (i) => page[i]!.flowId, missing: page.map((r) => (r.status === "held" ? r.missing : null)) });
  return {
    items: page.map((r, i) => ({
      ...r,
      missing: r.status === "held" ? (missing[i] ?? []) : null,
      amount: r.amount === null ? null : r.amount.toString(),
      nextAttemptAt: nextAttempt.get(`record:${r.id}`) ?? null,
    })),
    nextCursor: rows.length > take ? encodeRecordCursor(page.at(-1)!) : null,
  };
};
