import type { Db } from "../db";
import { connectionSelect, toConnectionView } from "./to-connection-view";
import type { ConnectionView } from "./views";

/** Every connection, by name, as the browser may see it (which secrets are set, never their values). */
export const listConnections = async ({ db }: { db: Db }): Promise<ConnectionView[]> => {
  const rows = await db.connection.findMany({ select: connectionSelect, orderBy: { name: "asc" } });
  return rows.map((row) => toConnectionView(row));
};
