import { parseRecordEvent, type RecordEventInput } from "../audit/events";
import type { Db } from "../db";

/** One record with its payloads and its whole audit trail (oldest first), or null. */
export const getRecord = async ({ db, id }: { db: Db; id: string }) => {
  const record = await db.syncRecord.findUnique({
    where: { id },
    include: { events: { orderBy: { id: "asc" }, include: { actor: { select: { id: true, email: true, name: true } } } }, flow: { select: { id: true, name: true, kind: true } } },
  });
  if (!record) return null;
  const { events, ...rest } = record;
  return {
    ...rest,
    amount: rest.amount === null ? null : rest.amount.toString(),
    events: events.map((e) => ({
      id: e.id.toString(),
      createdAt: e.createdAt,
      actor: e.actor,
      ...(parseRecordEvent({ kind: e.kind, detail: e.detail }) satisfies RecordEventInput),
    })),
  };
};
