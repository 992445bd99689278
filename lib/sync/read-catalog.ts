import { describeFailure } from "../connectors/describe-failure";
import { getConnector } from "../connectors/registry";
import type { CatalogRead, CatalogValue } from "../connectors/types";
import type { Db } from "../db";
import { AppError } from "../errors";
import { getFlowKind } from "../flows/registry";
import type { CatalogContext, CatalogLedger } from "../flows/types";
import { cached } from "./catalog-cache";
import { connectionRowSelect, toConnectionContext } from "./load-connection-context";

/** Documents whose lines are scanned for line values (the newest ones; older keys are in maps or holds). */
const LINE_SCAN_RECORDS = 20_000;
/** Most natural keys read from the ledger per catalogue. */
const MAX_LEDGER_VALUES = 20_000;

/** Reads of the flow's ledger for catalogue readers. */
const catalogLedgerOf = (db: Db, flowId: string): CatalogLedger => ({
  naturalKeys: async ({ objectType, labelField }) => {
    const rows = await db.$queryRaw<{ key: string; label: string | null }[]>`
      SELECT "naturalKey" AS key, max("sourcePayload"->>${labelField ?? ""}) AS label FROM "SyncRecord"
      WHERE "flowId" = ${flowId}::uuid AND "objectType" = ${objectType} AND "naturalKey" IS NOT NULL GROUP BY 1 LIMIT ${MAX_LEDGER_VALUES}`;
    return rows.map((r) => ({ key: r.key, label: labelField ? r.label : null }));
  },
  lineValues: async ({ objectTypes, linesField, field }) => {
    const rows = await db.$queryRaw<{ key: string }[]>`
      SELECT DISTINCT btrim(l->>${field}) AS key
      FROM (SELECT "sourcePayload" FROM "SyncRecord" WHERE "flowId" = ${flowId}::uuid AND "objectType" = ANY(${[...objectTypes]}::text[])
            ORDER BY "createdAt" DESC LIMIT ${LINE_SCAN_RECORDS}) r,
           jsonb_array_elements(COALESCE(r."sourcePayload"->${linesField}, '[]'::jsonb)) l
      WHERE btrim(l->>${field}) <> ''`;
    return rows.map((r) => ({ key: r.key, label: null }));
  },
});

/**
 * The values of one side of a flow's value-map kind, for the mapping page: read by the flow kind's
 * catalogue reader (its vendor catalogue and/or the ledger), de-duplicated by key (the later read
 * wins: a vendor's label over the ledger's), sorted, and cached per flow, kind and side for
 * CATALOG_TTL_MS. A vendor failure becomes `error` (the values read so far are kept).
 */
export const readCatalog = async ({ db, flowId, kind, side, refresh = false }: { db: Db; flowId: string; kind: string; side: "source" | "target"; refresh?: boolean }): Promise<CatalogRead> =>
  cached(
    `${flowId}:${side}:${kind}`,
    async (): Promise<CatalogRead> => {
      const flow = await db.flow.findUnique({
        where: { id: flowId },
        select: { kind: true, settings: true, source: { select: connectionRowSelect }, target: { select: connectionRowSelect } },
      });
      if (!flow) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
      const definition = getFlowKind(flow.kind);
      const declaration = definition.valueMapKinds.find((k) => k.kind === kind);
      if (!declaration) throw new AppError("INVALID_INPUT", { userMessage: `This flow has no "${kind}" mappings.` });
      const readAt = new Date().toISOString();
      const errors: string[] = [];
      /** reads through one side's client (built on first use); a failure becomes an error sentence and [] */
      const reader = (which: "source" | "target") => {
        const connection = which === "source" ? flow.source : flow.target;
        const connector = getConnector(which === "source" ? definition.source : definition.target);
        let client: unknown;
        return async <T>(what: string, read: (client: unknown) => Promise<T[]>): Promise<T[]> => {
          try {
            client ??= connector.createClient(toConnectionContext(db, connection));
            return await read(client);
          } catch (err) {
            errors.push(describeFailure(err, what, connection.baseUrl));
            return [];
          }
        };
      };
      const ctx: CatalogContext<unknown, unknown> = {
        settings: definition.settings.schema.parse(flow.settings ?? {}),
        ledger: catalogLedgerOf(db, flowId),
        vendor: reader(side),
        otherVendor: reader(side === "source" ? "target" : "source"),
      };
      const values = await (side === "source" ? declaration.readSource(ctx) : declaration.readTarget(ctx));
      const byKey = new Map<string, CatalogValue>();
      for (const v of values) byKey.set(v.key, { ...v, label: v.label ?? byKey.get(v.key)?.label ?? null });
      return { values: [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key)), error: errors.length > 0 ? errors.join(" ") : null, readAt };
    },
    { refresh },
  );
