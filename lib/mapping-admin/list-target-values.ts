import { readCatalog } from "../sync/read-catalog";
import { z } from "zod";
import { createAcumaticaClient } from "../connectors/acumatica";
import { describeFailure } from "../connectors/describe-failure";
import type { Db } from "../db";
import { cached } from "../sync/catalog-cache";
import { loadFlowConnections } from "./load-flow-connections";
import type { ValueMapKind } from "./schemas";

/** A value the target system accepts, e.g. GL account 40100 "Subscription revenue". */
export type CatalogValue = { key: string; label: string | null; inactive?: boolean };

/** A catalogue read: the values, or an error sentence for the admin (the canvas still shows what is mapped). */
export type CatalogRead = { values: CatalogValue[]; error: string | null; readAt: string };

const accountRowSchema = z.looseObject({ AccountCD: z.string(), Description: z.string().nullish(), Type: z.string().nullish(), Active: z.boolean().nullish() });
const customerRowSchema = z.looseObject({ CustomerID: z.string(), CustomerName: z.string().nullish() });

/** Most values read from a vendor per catalogue (pages of 1,000). */
export const MAX_CATALOG_VALUES = 20_000;
const PAGE = 1000;

/**
 * Target values of a flow for one kind, read from Acumatica (GL accounts: `Account`; customers:
 * `Customer`) and cached for CATALOG_TTL_MS per flow and kind. Vendor failures become `error`.
 */
export const listTargetValues = async ({ db, flowId, kind, refresh = false }: { db: Db; flowId: string; kind: ValueMapKind; refresh?: boolean }): Promise<CatalogRead> =>
  // kinds beyond GL accounts and customers are read as their flow declares them
  kind !== "gl-account" && kind !== "customer"
    ? readCatalog({ db, flowId, kind, side: "target", refresh })
    : cached(
    `${flowId}:target:${kind}`,
    async (): Promise<CatalogRead> => {
      const { flow, targetContext } = await loadFlowConnections({ db, flowId });
      const readAt = new Date().toISOString();
      if (flow.target.vendor !== "acumatica") return { values: [], error: `Reading ${flow.target.vendor} values is not supported yet.`, readAt };
      try {
        const client = createAcumaticaClient(await targetContext());
        const values: CatalogValue[] = [];
        for (let skip = 0; skip < MAX_CATALOG_VALUES; skip += PAGE) {
          const page =
            kind === "gl-account"
              ? (await client.list("Account", accountRowSchema, { select: "AccountCD,Description,Type,Active", top: PAGE, skip })).map((a) => ({
                  key: a.AccountCD,
                  label: [a.Description, a.Type].filter(Boolean).join(" · ") || null,
                  ...(a.Active === false ? { inactive: true } : {}),
                }))
              : (await client.list("Customer", customerRowSchema, { select: "CustomerID,CustomerName", top: PAGE, skip })).map((c) => ({ key: c.CustomerID, label: c.CustomerName ?? null }));
          values.push(...page);
          if (page.length < PAGE) break;
        }
        values.sort((a, b) => a.key.localeCompare(b.key));
        return { values, error: null, readAt };
      } catch (err) {
        return { values: [], error: describeFailure(err, kind === "gl-account" ? "Reading GL accounts from Acumatica" : "Reading customers from Acumatica", flow.target.baseUrl), readAt };
      }
    },
    { refresh },
  );
