import { readCatalog } from "../sync/read-catalog";
import { createZuoraClient } from "../connectors/zuora";
import { describeFailure } from "../connectors/describe-failure";
import type { Db } from "../db";
import { zuoraAcumaticaSettingsSchema } from "../flows/zuora-acumatica/mapping";
import { cached } from "../sync/catalog-cache";
import { MAX_CATALOG_VALUES, type CatalogRead, type CatalogValue } from "./list-target-values";
import { loadFlowConnections } from "./load-flow-connections";
import type { ValueMapKind } from "./schemas";

/** Documents whose lines are scanned for GL keys (the newest ones; older keys are in maps or holds). */
const LINE_SCAN_RECORDS = 20_000;

const LINE_FIELD = { charge: "chargeName", product: "productName", account: "accountingCode" } as const;

/**
 * Source values of a flow for one kind, cached for CATALOG_TTL_MS:
 * - "customer": Zuora billing accounts (Object Query `accounts`), plus accounts already in the ledger;
 * - "gl-account": the charge/product/accounting-code names (per the flow's `glAccountKey`) on the
 *   lines of the newest invoices and credit memos in the ledger. The Zuora connector has no
 *   product-catalogue read, so charges that were never billed appear once they are (or once mapped).
 * Held records' missing keys and existing maps are merged in by the caller (they are live, not cached).
 */
export const listSourceValues = async ({ db, flowId, kind, refresh = false }: { db: Db; flowId: string; kind: ValueMapKind; refresh?: boolean }): Promise<CatalogRead> =>
  // kinds beyond GL accounts and customers are read as their flow declares them
  kind !== "gl-account" && kind !== "customer"
    ? readCatalog({ db, flowId, kind, side: "source", refresh })
    : cached(
    `${flowId}:source:${kind}`,
    async (): Promise<CatalogRead> => {
      const { flow, sourceContext } = await loadFlowConnections({ db, flowId });
      const readAt = new Date().toISOString();
      const byKey = new Map<string, CatalogValue>();
      if (kind === "gl-account") {
        const settings = zuoraAcumaticaSettingsSchema.safeParse(flow.settings);
        const field = LINE_FIELD[settings.success ? settings.data.glAccountKey : "charge"];
        const rows = await db.$queryRaw<{ key: string }[]>`
          SELECT DISTINCT btrim(l->>${field}) AS key
          FROM (SELECT "sourcePayload" FROM "SyncRecord" WHERE "flowId" = ${flowId}::uuid AND "objectType" IN ('invoice', 'credit-memo')
                ORDER BY "createdAt" DESC LIMIT ${LINE_SCAN_RECORDS}) r,
               jsonb_array_elements(COALESCE(r."sourcePayload"->'lines', '[]'::jsonb)) l
          WHERE btrim(l->>${field}) <> ''`;
        for (const r of rows) byKey.set(r.key, { key: r.key, label: null });
        return { values: [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key)), error: null, readAt };
      }
      const known = await db.$queryRaw<{ key: string; label: string | null }[]>`
        SELECT "naturalKey" AS key, max("sourcePayload"->>'name') AS label FROM "SyncRecord"
        WHERE "flowId" = ${flowId}::uuid AND "objectType" = 'account' AND "naturalKey" IS NOT NULL GROUP BY 1 LIMIT ${MAX_CATALOG_VALUES}`;
      for (const r of known) byKey.set(r.key, { key: r.key, label: r.label });
      let error: string | null = null;
      if (flow.source.vendor === "zuora") {
        try {
          const client = createZuoraClient(await sourceContext());
          let cursor: string | null = null;
          do {
            const page: Awaited<ReturnType<typeof client.listChanged<"accounts">>> = await client.listChanged("accounts", { since: "1970-01-01T00:00:00Z", cursor });
            for (const a of page.records) byKey.set(a.accountNumber, { key: a.accountNumber, label: a.name ?? null });
            cursor = page.nextCursor;
          } while (cursor && byKey.size < MAX_CATALOG_VALUES);
        } catch (err) {
          error = describeFailure(err, "Reading billing accounts from Zuora", flow.source.baseUrl);
        }
      }
      return { values: [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key)), error, readAt };
    },
    { refresh },
  );
