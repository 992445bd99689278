import type { Db } from "../db";
import { getFlowDefinition } from "../flows/registry";
import { ingestDocument, type IngestOutcome } from "./ingest-document";
import type { FlowRuntime } from "./ports";

/**
 * Processes one recorded callout: for every enabled flow reading from the callout's connection,
 * re-fetches the named record by id and ingests it exactly like a polled one (so a duplicate or
 * out-of-order delivery is an `unchanged` version). Marks the InboundEvent processed.
 */
export const processCallout = async ({
  db,
  inboundEventId,
  runtimeFor,
}: {
  db: Db;
  inboundEventId: string;
  /** overrides a flow's vendor adapters (tooling); default: its definition's connect() */
  runtimeFor?: (flowId: string) => FlowRuntime | undefined;
}): Promise<{ status: "processed"; outcomes: IngestOutcome[] } | { status: "not_found" | "already_processed" }> => {
  const event = await db.inboundEvent.findUnique({ where: { id: inboundEventId } });
  if (!event) return { status: "not_found" };
  if (event.processedAt) return { status: "already_processed" };
  const outcomes: IngestOutcome[] = [];
  if (event.objectType && event.objectId) {
    const flows = await db.flow.findMany({ where: { sourceConnectionId: event.connectionId, enabled: true } });
    for (const flow of flows) {
      const definition = getFlowDefinition(flow.kind);
      const objectTypes = definition.calloutObjectTypes?.(event.objectType) ?? [];
      if (objectTypes.length === 0) continue;
      const rt = runtimeFor?.(flow.id) ?? (await definition.connect({ db, flow }));
      for (const objectType of objectTypes) {
        const document = await rt.source.fetchDocument({ objectType, sourceId: event.objectId });
        if (!document) continue;
        const { outcome } = await db.$transaction((tx) => ingestDocument({ tx, flow, document, origin: "callout", inboundEventId: event.id }));
        outcomes.push(outcome);
      }
    }
  }
  await db.inboundEvent.update({ where: { id: event.id }, data: { processedAt: new Date() } });
  return { status: "processed", outcomes };
};
