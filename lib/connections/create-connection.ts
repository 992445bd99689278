import { randomUUID } from "node:crypto";
import type { Db, Prisma } from "../db";
import { encryptJson } from "../crypto";
import { connectionInputSchema, type ConnectionInput } from "./schemas";

/** A connection as the rest of the app may see it: no credentials, only whether they are set. */
export type ConnectionSummary = {
  id: string;
  vendor: string;
  name: string;
  baseUrl: string;
  settings: Prisma.JsonValue;
  hasCredentials: boolean;
};

/**
 * Stores a connection with its secrets encrypted (AES-256-GCM, bound to the connection's id so an
 * envelope cannot be moved to another row). Returns the summary, never the secrets.
 */
export const createConnection = async ({
  db,
  tx,
  input,
}: {
  db: Db;
  tx?: Prisma.TransactionClient;
  input: ConnectionInput;
}): Promise<ConnectionSummary> => {
  const { vendor, name, baseUrl, settings, secrets } = connectionInputSchema.parse(input);
  const id = randomUUID();
  const row = await (tx ?? db).connection.create({
    data: {
      id,
      vendor,
      name,
      baseUrl,
      settings: settings as Prisma.InputJsonValue,
      credentials: encryptJson(secrets, { context: id }),
    },
  });
  return { id: row.id, vendor, name: row.name, baseUrl: row.baseUrl, settings: row.settings, hasCredentials: true };
};
