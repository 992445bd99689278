import type { Db } from "../db";

/** Flows for pickers and filters: id, name, kind, newest name order. */
export const listFlowOptions = async ({ db }: { db: Db }) => db.flow.findMany({ select: { id: true, name: true, kind: true }, orderBy: { name: "asc" } });
export type FlowOption = Awaited<ReturnType<typeof listFlowOptions>>[number];
