import type { Prisma } from "../db";
import { recordEventSchema, type RecordEventDetail, type RecordEventInput, type RecordEventKind } from "./events";

type EventWriter = Pick<Prisma.TransactionClient, "recordEvent">;

/**
 * Appends one audit event. Call it with the transaction that changes the record's state (and adds
 * its jobs), so the trail and the state never disagree. `detail` must match `kind`; it is validated
 * again at run time because callers may pass vendor-derived values.
 */
export const recordEvent = async <K extends RecordEventKind>(
  tx: EventWriter,
  { recordId, kind, detail, actorUserId }: { recordId: string; kind: K; detail: RecordEventDetail<K>; actorUserId?: string | null },
) => {
  const parsed = recordEventSchema.parse({ kind, detail });
  await tx.recordEvent.create({
    data: { recordId, kind: parsed.kind, detail: parsed.detail as Prisma.InputJsonValue, actorUserId: actorUserId ?? null },
  });
};

/** Appends many events (of one or many records) in one statement, each checked as recordEvent checks it. */
export const recordEvents = async (tx: EventWriter, events: readonly (RecordEventInput & { recordId: string; actorUserId?: string | null })[]) => {
  if (events.length === 0) return;
  await tx.recordEvent.createMany({
    data: events.map(({ recordId, actorUserId, ...event }) => {
      const parsed = recordEventSchema.parse(event);
      return { recordId, kind: parsed.kind, detail: parsed.detail as Prisma.InputJsonValue, actorUserId: actorUserId ?? null };
    }),
  });
};
