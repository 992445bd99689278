import { AsyncLocalStorage } from "node:async_hooks";
import type { Db } from "../db";
import { decryptJson } from "../crypto";

/** A connection's stored credential envelope, as a caller has already read it. */
export type KnownCredentials = { connectionId: string; credentials: string };

const known = new AsyncLocalStorage<KnownCredentials>();

/**
 * Runs `fn` with one connection's credential envelope already in hand, so readConnectionSecrets
 * decrypts it instead of reading the row again. The caller vouches that the envelope is current
 * (the webhook intake reads it from a short-lived cache and re-checks the row when it writes).
 */
export const withKnownCredentials = <T>(credentials: KnownCredentials, fn: () => T): T => known.run(credentials, fn);

/** The decrypted secrets of one connection, for the connector that calls the vendor (server side only). */
export const readConnectionSecrets = async ({ db, connectionId }: { db: Db; connectionId: string }): Promise<unknown> => {
  const given = known.getStore();
  if (given?.connectionId === connectionId) return decryptJson(given.credentials, { context: connectionId });
  const row = await db.connection.findUniqueOrThrow({ where: { id: connectionId }, select: { id: true, credentials: true } });
  return decryptJson(row.credentials, { context: row.id });
};
