import type { Db } from "../db";
import { decryptJson } from "../crypto";

/** The decrypted secrets of one connection (server side only; the admin's connection screens use it). */
export const readConnectionSecrets = async ({ db, connectionId }: { db: Db; connectionId: string }): Promise<unknown> => {
  const row = await db.connection.findUniqueOrThrow({ where: { id: connectionId }, select: { id: true, credentials: true } });
  return decryptJson(row.credentials, { context: row.id });
};
