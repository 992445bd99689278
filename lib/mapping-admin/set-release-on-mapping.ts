import type { Db } from "../db";
import { AppError } from "../errors";
import { setReleaseOnMappingInputSchema, type SetReleaseOnMappingInput } from "./schemas";

/**
 * Turns a flow's "release by itself" on or off: on, saving a mapping (canvas, table or CSV) releases
 * the held records it frees in the same transaction; off, the admin is asked each time.
 */
export const setReleaseOnMapping = async ({ db, input }: { db: Db; input: SetReleaseOnMappingInput }) => {
  const { flowId, releaseOnMapping } = setReleaseOnMappingInputSchema.parse(input);
  const updated = await db.flow.updateMany({ where: { id: flowId }, data: { releaseOnMapping } });
  if (updated.count === 0) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
  return { flowId, releaseOnMapping };
};
