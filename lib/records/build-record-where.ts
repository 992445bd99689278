import type { Prisma } from "../db";
import type { RecordFilter } from "./schemas";

/** Prisma where-clause of a records filter. */
export const buildRecordWhere = (filter: RecordFilter): Prisma.SyncRecordWhereInput => ({
  ...(filter.flowId ? { flowId: filter.flowId } : {}),
  ...(filter.status ? { status: filter.status } : {}),
  ...(filter.objectType ? { objectType: filter.objectType } : {}),
  ...(filter.from || filter.to ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
  ...(filter.q ? { naturalKey: { startsWith: filter.q } } : {}),
});
