import type { Db } from "../db";
import { AppError } from "../errors";
import { connectionSelect, toConnectionView } from "./to-connection-view";
import type { ConnectionView } from "./views";

/** One connection as the browser may see it; AppError NOT_FOUND when it does not exist. */
export const getConnection = async ({ db, connectionId }: { db: Db; connectionId: string }): Promise<ConnectionView> => {
  const row = await db.connection.findUnique({ where: { id: connectionId }, select: connectionSelect });
  if (!row) throw new AppError("NOT_FOUND", { userMessage: "This connection does not exist (any more)." });
  return toConnectionView(row);
};
