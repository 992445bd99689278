import type { Prisma } from "../db";
import type { ConfigChangeFilter } from "./config-change-schemas";

/** Prisma where-clause of a change-log filter; days are UTC days, as the log displays its times. */
export const buildConfigChangeWhere = (filter: ConfigChangeFilter): Prisma.ConfigChangeWhereInput => {
  const start = filter.from ? new Date(`${filter.from}T00:00:00.000Z`) : undefined;
  // `to` is inclusive: up to the start of the next UTC day
  const end = filter.to ? new Date(Date.parse(`${filter.to}T00:00:00.000Z`) + 86_400_000) : undefined;
  return {
    ...(filter.entity ? { entity: filter.entity } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(start || end ? { at: { ...(start ? { gte: start } : {}), ...(end ? { lt: end } : {}) } } : {}),
    ...(filter.q ? { OR: [{ entityLabel: { contains: filter.q, mode: "insensitive" as const } }, { actorEmail: { contains: filter.q, mode: "insensitive" as const } }] } : {}),
  };
};
