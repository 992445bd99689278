import type { ConfigActor } from "../audit/config-change-schemas";
import { recordConfigChange } from "../audit/record-config-change";
import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { lockFlowDependencies } from "../sync/lock-flow-dependencies";
import { releaseHeldRecords } from "../sync/release-held-records";
import { countReleasableRecords } from "./count-releasable-records";
import { listValueMapKinds } from "./list-value-map-kinds";
import { requireValueMapKind } from "./require-value-map-kind";
import { saveValueMapInputSchema, type SaveValueMapInput } from "./schemas";

/**
 * Creates or replaces the mapping of (flow, kind, sourceKey); the kind must be one the flow's definition declares. Returns the saved row and how many held
 * records wait on it / could be released now, so the UI can offer the release with the number.
 * When the flow's `releaseOnMapping` is on, the records it frees are released in the same
 * transaction (`released`; `waiting`/`releasable` then count what is still held).
 */
export const saveValueMap = async ({ db, tx, input, actor }: { db: Db; tx?: Prisma.TransactionClient; input: SaveValueMapInput; actor?: ConfigActor }) => {
  const { flowId, kind, sourceKey, sourceLabel, targetValue, targetLabel } = saveValueMapInputSchema.parse(input);
  requireValueMapKind(await listValueMapKinds({ db: tx ?? db, flowId }), kind);
  const run = async (t: Prisma.TransactionClient) => {
    const flow = await t.flow.findUnique({ where: { id: flowId }, select: { id: true, releaseOnMapping: true } });
    if (!flow) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
    // A record being held on this key right now either sees the map or is counted below.
    await lockFlowDependencies(t, { flowId, keys: [{ kind, sourceKey }], mode: "release" });
    const before = await t.valueMap.findUnique({ where: { flowId_kind_sourceKey: { flowId, kind, sourceKey } }, select: { sourceLabel: true, targetValue: true, targetLabel: true } });
    const saved = await t.valueMap.upsert({
      where: { flowId_kind_sourceKey: { flowId, kind, sourceKey } },
      create: { flowId, kind, sourceKey, sourceLabel: sourceLabel ?? null, targetValue, targetLabel: targetLabel ?? null },
      update: { targetValue, targetLabel: targetLabel ?? null, ...(sourceLabel ? { sourceLabel } : {}) },
      select: { id: true, kind: true, sourceKey: true, sourceLabel: true, targetValue: true, targetLabel: true },
    });
    const after = { sourceLabel: saved.sourceLabel, targetValue: saved.targetValue, targetLabel: saved.targetLabel };
    await recordConfigChange(t, { actor, entity: "mapping", entityId: saved.id, label: `${kind} “${sourceKey}”`, action: before ? "updated" : "created", before, after, flowId });
    const released = flow.releaseOnMapping ? await releaseHeldRecords({ db, tx: t, flowId, kind, sourceKey, actorUserId: actor?.id ?? null }) : 0;
    return { valueMap: saved, released, releaseOnMapping: flow.releaseOnMapping, ...(await countReleasableRecords({ db: t, flowId, kind, sourceKey })) };
  };
  return tx ? run(tx) : db.$transaction(run);
};
