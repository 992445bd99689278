import type { ConfigActor } from "../audit/config-change-schemas";
import { recordConfigChange } from "../audit/record-config-change";
import type { Db } from "../db";
import { AppError } from "../errors";
import { deleteValueMapInputSchema, type DeleteValueMapInput } from "./schemas";

/**
 * Removes the mapping of (flow, kind, sourceKey). Records already posted keep their accounts; new
 * records needing it are held again. Throws NOT_FOUND when there was none.
 */
export const deleteValueMap = async ({ db, input, actor }: { db: Db; input: DeleteValueMapInput; actor?: ConfigActor }): Promise<{ deleted: true }> => {
  const { flowId, kind, sourceKey } = deleteValueMapInputSchema.parse(input);
  return db.$transaction(async (tx) => {
    const [before] = await tx.valueMap.findMany({ where: { flowId, kind, sourceKey }, select: { id: true, sourceLabel: true, targetValue: true, targetLabel: true } });
    const { count } = await tx.valueMap.deleteMany({ where: { flowId, kind, sourceKey } });
    if (count === 0 || !before) throw new AppError("NOT_FOUND", { userMessage: `There is no ${kind} mapping for "${sourceKey}".` });
    const { id, ...fields } = before;
    await recordConfigChange(tx, { actor, entity: "mapping", entityId: id, label: `${kind} “${sourceKey}”`, action: "deleted", before: fields, flowId });
    return { deleted: true as const };
  });
};
