import type { Db } from "../db";
import { AppError } from "../errors";
import { deleteValueMapInputSchema, type DeleteValueMapInput } from "./schemas";

/**
 * Removes the mapping of (flow, kind, sourceKey). Records already posted keep their accounts; new
 * records needing it are held again. Throws NOT_FOUND when there was none.
 */
export const deleteValueMap = async ({ db, input }: { db: Db; input: DeleteValueMapInput }): Promise<{ deleted: true }> => {
  const { flowId, kind, sourceKey } = deleteValueMapInputSchema.parse(input);
  const { count } = await db.valueMap.deleteMany({ where: { flowId, kind, sourceKey } });
  if (count === 0) throw new AppError("NOT_FOUND", { userMessage: `There is no ${kind} mapping for "${sourceKey}".` });
  return { deleted: true };
};
