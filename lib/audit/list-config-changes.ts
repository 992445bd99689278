import type { Db } from "../db";
import { buildConfigChangeWhere } from "./build-config-change-where";
import { configChangeFilterSchema, configFieldChangeSchema, type ConfigChangeFilter, type ConfigFieldChange } from "./config-change-schemas";
import { z } from "zod";

/** One entry of the change log as the page and its API show it. */
export type ConfigChangeItem = {
  id: string;
  at: Date;
  actorEmail: string | null;
  entity: string;
  entityId: string;
  entityLabel: string;
  action: string;
  flow: { id: string; name: string } | null;
  changes: ConfigFieldChange[];
};

const changesSchema = z.array(configFieldChangeSchema).catch([]);

/**
 * The configuration change log, newest first, `limit` (1..500) entries after `cursor` (the last id
 * of the previous page), with the name of the flow each entry belongs to. `nextCursor` is null on
 * the last page.
 */
export const listConfigChanges = async ({ db, filter = {}, cursor, limit = 100 }: { db: Db; filter?: ConfigChangeFilter; cursor?: string | null; limit?: number }) => {
  const where = buildConfigChangeWhere(configChangeFilterSchema.parse(filter));
  const take = Math.min(Math.max(Math.trunc(limit), 1), 500);
  const after = cursor && /^\d{1,19}$/.test(cursor) ? BigInt(cursor) : null;
  const rows = await db.configChange.findMany({
    where: after === null ? where : { AND: [where, { id: { lt: after } }] },
    orderBy: { id: "desc" },
    take: take + 1,
  });
  const page = rows.slice(0, take);
  const flowIds = [...new Set(page.flatMap((r) => (r.flowId ? [r.flowId] : [])))];
  const flows = flowIds.length ? await db.flow.findMany({ where: { id: { in: flowIds } }, select: { id: true, name: true } }) : [];
  const flowName = new Map(flows.map((f) => [f.id, f.name]));
  const items: ConfigChangeItem[] = page.map((r) => ({
    id: r.id.toString(),
    at: r.at,
    actorEmail: r.actorEmail,
    entity: r.entity,
    entityId: r.entityId,
    entityLabel: r.entityLabel,
    action: r.action,
    flow: r.flowId ? { id: r.flowId, name: flowName.get(r.flowId) ?? "(deleted flow)" } : null,
    changes: changesSchema.parse(r.changes),
  }));
  return { items, nextCursor: rows.length > take ? page.at(-1)!.id.toString() : null };
};
