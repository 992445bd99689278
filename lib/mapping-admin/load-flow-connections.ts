import { readConnectionSecrets } from "../connections/read-connection-secrets";
import type { ConnectionContext } from "../connectors/types";
import type { Db } from "../db";
import { AppError } from "../errors";

/** The flow with the connector contexts of both sides (secrets decrypted server side only). */
export const loadFlowConnections = async ({ db, flowId }: { db: Db; flowId: string }) => {
  const flow = await db.flow.findUnique({
    where: { id: flowId },
    select: { id: true, kind: true, name: true, settings: true, source: { select: { id: true, vendor: true, baseUrl: true, settings: true } }, target: { select: { id: true, vendor: true, baseUrl: true, settings: true } } },
  });
  if (!flow) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
  const contextOf = async (c: { id: string; baseUrl: string; settings: unknown }): Promise<ConnectionContext> => ({
    connectionId: c.id,
    baseUrl: c.baseUrl,
    settings: c.settings,
    secrets: await readConnectionSecrets({ db, connectionId: c.id }),
    db,
  });
  return { flow, sourceContext: () => contextOf(flow.source), targetContext: () => contextOf(flow.target) };
};
