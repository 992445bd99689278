import type { Prisma } from "../db";
import { recordEventSchema, type RecordEventDetail, type RecordEventKind } from "./events";

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
