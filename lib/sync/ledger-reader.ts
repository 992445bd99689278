import { z } from "zod";
import type { Db } from "../db";
import { dbRows, prepared } from "../db/pool";
import type { FlowRow, LedgerReader, LedgerRecord } from "../flows/types";
import { documentKey } from "./ingest-document";
import { indexValueMaps, type ValueMapIndex } from "../mapping/value-map-index";

const EMPTY_MAPS: ValueMapIndex = new Map();

/** A record's target document by its key (the planner reads one or two per record: a prepared statement). */
const RECORD_AT_TARGET = prepared(
  "mlc_ledger_record",
  `SELECT "targetId", "targetRef", "mappedPayload" FROM "SyncRecord" WHERE "flowId" = $1::uuid AND "objectType" = $2::text AND "sourceId" = $3::text`,
);
const atTargetRowSchema = z.object({ targetId: z.string().nullable(), targetRef: z.string().nullable(), mappedPayload: z.unknown() });

/**
 * The partner of a flow: the flow of kind `partnerKind` running the other way between the same two
 * connections (its source is this flow's target and its target this flow's source), or null.
 */
const findPartnerFlowId = async (db: Db, flow: Pick<FlowRow, "sourceConnectionId" | "targetConnectionId">, partnerKind: string): Promise<string | null> =>
  (await db.flow.findFirst({ where: { kind: partnerKind, sourceConnectionId: flow.targetConnectionId, targetConnectionId: flow.sourceConnectionId }, select: { id: true }, orderBy: { createdAt: "asc" } }))?.id ?? null;

/** Posted records of a flow by documentKey, as a record's claim brought them (FlowKind.ledgerReads). */
export type KnownLedger = ReadonlyMap<string, LedgerRecord>;

const NOTHING_KNOWN: KnownLedger = new Map();

/** A record of `flowId` that exists at its target (posted, or being updated or failed after its post). */
const atTarget = (row: { targetId: string | null; targetRef: string | null; mappedPayload: unknown } | null): LedgerRecord | null =>
  row?.targetId ? { targetId: row.targetId, targetRef: row.targetRef, mappedPayload: row.mappedPayload } : null;

/**
 * The ledger reads of one job of `flow`: its own records, and those of its partner flow (found once
 * per job) when its kind names one. `known`: posted records the record's claim brought, answered
 * without a statement (a posted record keeps its target id and ref; its mappedPayload is as of the
 * claim, moments old, as any read's may be by the time it is used); any other record is read, so
 * one posted after the claim is seen.
 */
export const createLedgerReader = ({ db, flow, partnerKind, known = NOTHING_KNOWN }: { db: Db; flow: FlowRow; partnerKind?: string; known?: KnownLedger }): LedgerReader => {
  let partner: Promise<string | null> | undefined;
  const partnerFlowId = () => (partner ??= partnerKind ? findPartnerFlowId(db, flow, partnerKind) : Promise.resolve(null));
  const recordOf = async (flowId: string, objectType: string, sourceId: string) =>
    atTarget((await dbRows(db, RECORD_AT_TARGET, [flowId, objectType, sourceId], atTargetRowSchema))[0] ?? null);
  return {
    postedRecord: async ({ objectType, sourceId }) => known.get(documentKey({ objectType, sourceId })) ?? recordOf(flow.id, objectType, sourceId),
    partnerRecord: async ({ objectType, sourceId }) => {
      const id = await partnerFlowId();
      return id ? recordOf(id, objectType, sourceId) : null;
    },
    partnerRecordByTarget: async ({ objectType, targetId }) => {
      const id = await partnerFlowId();
      if (!id) return null;
      const row = await db.syncRecord.findFirst({ where: { flowId: id, objectType, targetId }, select: { sourceId: true, targetId: true, targetRef: true, mappedPayload: true } });
      const found = atTarget(row);
      return found && row ? { ...found, sourceId: row.sourceId } : null;
    },
  };
};

/** The value maps of a flow's partner flow (none without one). */
export const loadPartnerMaps = async ({ db, flow, partnerKind }: { db: Db; flow: FlowRow; partnerKind?: string }): Promise<ValueMapIndex> => {
  if (!partnerKind) return EMPTY_MAPS;
  const id = await findPartnerFlowId(db, flow, partnerKind);
  if (!id) return EMPTY_MAPS;
  return indexValueMaps(await db.valueMap.findMany({ where: { flowId: id }, select: { kind: true, sourceKey: true, targetValue: true } }));
};
