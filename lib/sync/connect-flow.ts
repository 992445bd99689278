import { getConnector } from "../connectors/registry";
import type { Db } from "../db";
import { getFlowKind } from "../flows/registry";
import type { AnyFlowKind, FlowRow, FlowRuntime } from "../flows/types";
import { connectionRowSelect, toConnectionContext } from "./load-connection-context";

/**
 * Vendor clients per process (per Db, so two Prisma clients in a test behave like two processes),
 * keyed by connection, vendor and the connection's `updatedAt`: a job pays one small query (or none,
 * when the caller read the stamps with its record) instead of reading the connection row and
 * decrypting its credentials, and an edited connection is picked up by the next job. Clients hold no
 * per-job state (tokens and limits live in their own shared stores).
 */
const clientCache = new WeakMap<Db, Map<string, { stamp: number; client: Promise<unknown> }>>();
const CLIENT_CACHE_MAX = 64;

const clientFor = async (db: Db, vendor: string, connectionId: string, updatedAt: Date | undefined): Promise<unknown> => {
  let cache = clientCache.get(db);
  if (!cache) clientCache.set(db, (cache = new Map()));
  const key = `${vendor}:${connectionId}`;
  const stamp = updatedAt?.getTime() ?? (await db.connection.findUniqueOrThrow({ where: { id: connectionId }, select: { updatedAt: true } })).updatedAt.getTime();
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.client;
  const client = (async () => {
    const row = await db.connection.findUniqueOrThrow({ where: { id: connectionId }, select: connectionRowSelect });
    return getConnector(vendor).createClient(toConnectionContext(db, row));
  })();
  client.catch(() => {
    if (cache.get(key)?.client === client) cache.delete(key);
  });
  cache.delete(key);
  while (cache.size >= CLIENT_CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, { stamp, client });
  return client;
};

/**
 * A flow's settings parsed with its kind's schema, kept per process by their JSON: a record's job
 * reads the flow with its claim and would otherwise parse the same settings again for every record.
 * Settings that do not parse throw, and are not kept.
 */
const parsedSettings = new WeakMap<AnyFlowKind, Map<string, unknown>>();
const SETTINGS_CACHE_MAX = 64;

const settingsOf = (definition: AnyFlowKind, raw: unknown): unknown => {
  let cache = parsedSettings.get(definition);
  if (!cache) parsedSettings.set(definition, (cache = new Map()));
  const key = JSON.stringify(raw ?? {});
  if (cache.has(key)) return cache.get(key);
  const settings: unknown = definition.settings.schema.parse(raw ?? {});
  while (cache.size >= SETTINGS_CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, settings);
  return settings;
};

/**
 * The runtime of one job of a flow: the clients of its source and target connections (built by the
 * connectors its kind names, cached per process), handed to the kind's `connect` with the parsed
 * settings. `connectionsUpdatedAt`: the connections' updatedAt as the caller just read them (with the
 * record), so no read of its own is needed.
 */
export const connectFlow = async ({
  db,
  flow,
  connectionsUpdatedAt,
  definition = getFlowKind(flow.kind),
}: {
  db: Db;
  flow: FlowRow;
  connectionsUpdatedAt?: { source: Date; target: Date };
  definition?: AnyFlowKind;
}): Promise<FlowRuntime> => {
  const [source, target] = await Promise.all([
    clientFor(db, definition.source, flow.sourceConnectionId, connectionsUpdatedAt?.source),
    clientFor(db, definition.target, flow.targetConnectionId, connectionsUpdatedAt?.target),
  ]);
  return definition.connect({ source, target, settings: settingsOf(definition, flow.settings), flow });
};
