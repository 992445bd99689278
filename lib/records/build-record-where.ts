import type { Prisma } from "../db";
import type { RecordFilter } from "./schemas";

/** Columns a records search looks into (each has a trigram index, so "contains, any case" stays fast). */
const SEARCHED = ["naturalKey", "targetRef", "sourceId"] as const;

/** Prisma where-clause of a records filter. */
export const buildRecordWhere = (filter: RecordFilter): Prisma.SyncRecordWhereInput => ({
  ...(filter.flowId ? { flowId: filter.flowId } : {}),
  ...(filter.status ? { status: filter.status } : {}),
  ...(filter.objectType ? { objectType: filter.objectType } : {}),
  ...(filter.from || filter.to ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
  ...(filter.documentFrom || filter.documentTo
    ? { documentDate: { ...(filter.documentFrom ? { gte: new Date(`${filter.documentFrom}T00:00:00Z`) } : {}), ...(filter.documentTo ? { lte: new Date(`${filter.documentTo}T00:00:00Z`) } : {}) } }
    : {}),
  ...(filter.amountMin !== undefined || filter.amountMax !== undefined
    ? { amount: { ...(filter.amountMin !== undefined ? { gte: filter.amountMin } : {}), ...(filter.amountMax !== undefined ? { lte: filter.amountMax } : {}) } }
    : {}),
  ...(filter.q ? { OR: SEARCHED.map((column) => ({ [column]: { contains: filter.q, mode: "insensitive" as const } })) } : {}),
});
