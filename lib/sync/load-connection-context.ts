import type { ConnectionContext } from "../connectors/types";
import { decryptJson } from "../crypto";
import type { Db } from "../db";

/** A connection row as the engine reads it (credentials still encrypted). */
export type ConnectionRow = { id: string; vendor: string; baseUrl: string; settings: unknown; credentials: string; updatedAt: Date };

export const connectionRowSelect = { id: true, vendor: true, baseUrl: true, settings: true, credentials: true, updatedAt: true } as const;

/** The connector context of a connection row: its secrets decrypted here, server side only (never logged, never returned). */
export const toConnectionContext = (db: Db, row: ConnectionRow): ConnectionContext => ({
  connectionId: row.id,
  baseUrl: row.baseUrl,
  settings: row.settings,
  secrets: decryptJson(row.credentials, { context: row.id }),
  db,
});

/** Reads and decrypts one connection; throws when it does not exist. */
export const loadConnectionContext = async ({ db, connectionId }: { db: Db; connectionId: string }): Promise<ConnectionContext & { vendor: string; updatedAt: Date }> => {
  const row = await db.connection.findUniqueOrThrow({ where: { id: connectionId }, select: connectionRowSelect });
  return { ...toConnectionContext(db, row), vendor: row.vendor, updatedAt: row.updatedAt };
};
