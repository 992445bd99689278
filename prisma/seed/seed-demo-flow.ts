import { randomBytes } from "node:crypto";
import { createConnection } from "../../lib/connections/create-connection";
import type { Db } from "../../lib/db";
import { ACUMATICA_ZOHO_CRM, ZOHO_CRM_ACUMATICA } from "../../lib/flows/acumatica-zoho-crm/definition";
import { acumaticaZohoSettingsSchema } from "../../lib/flows/acumatica-zoho-crm/mapping";
import { zohoAcumaticaSettingsSchema } from "../../lib/flows/zoho-crm-acumatica/planner";
import { ZUORA_ACUMATICA } from "../../lib/flows/zuora-acumatica/definition";
import { zuoraAcumaticaSettingsSchema } from "../../lib/flows/zuora-acumatica/mapping";

/** The sandbox's demo credentials (structurally sandbox/server.ts SandboxCredentials; no import of sandbox/). */
export type DemoSandbox = {
  zuoraBaseUrl: string;
  acumaticaBaseUrl: string;
  credentials: {
    zuora: { clientId: string; clientSecret: string };
    acumatica: { tenant: string; clientId: string; clientSecret: string; username: string; password: string; endpointVersion: string };
    /** absent: no Zoho CRM demo flows */
    "zoho-crm"?: { accountsUrl: string; clientId: string; clientSecret: string; refreshToken: string };
  };
};

/** Value maps of the Acumatica -> Zoho CRM demo flow: the demo items' classes and the terms Zuora invoices carry. */
const DEMO_ZOHO_MAPS: { kind: string; sourceKey: string; targetValue: string }[] = [
  { kind: "item-class", sourceKey: "HARDWARE", targetValue: "Hardware" },
  { kind: "item-class", sourceKey: "SERVICES", targetValue: "Services" },
];

/**
 * GL value maps of the demo: the sandbox catalog's charges by charge name, EXCEPT "Training Day", left
 * unmapped so the demo shows held records and the coverage view. (With "API Calls (per 1,000)" unmapped
 * too, about half of the demo bill run's invoices held: two of the three add-on charges a bill run draws.)
 */
const DEMO_GL_MAPS: [string, string][] = [
  ["Platform Subscription – Starter", "40100"],
  ["Platform Subscription – Business", "40100"],
  ["Platform Subscription – Enterprise", "40100"],
  ["Premium Support", "40200"],
  ["API Calls (per 1,000)", "40000"],
  ["Implementation Package", "40200"],
];

/** The demo's cash account per currency, payment method per Zuora payment type, EUR VAT and tax zone (sandbox/demo). */
const DEMO_VALUE_MAPS: [kind: string, sourceKey: string, targetValue: string][] = [
  ["cash-account", "USD", "10200"],
  ["cash-account", "EUR", "10250"],
  ["payment-method", "Electronic", "CARD"],
  ["payment-method", "External", "CHECK"],
  ["tax", "EUR", "VAT19"],
  ["tax-zone", "EUR", "EU-VAT"],
];

/**
 * Creates the demo's two connections (secrets encrypted by createConnection), an enabled
 * Zuora -> Acumatica flow polling every 5 minutes from 30 days back, and its value maps. Idempotent:
 * does nothing when any flow exists. Returns the flow id, or null when it did nothing.
 */
export const seedDemoFlow = async ({ db, sandbox, now = new Date() }: { db: Db; sandbox: DemoSandbox; now?: Date }): Promise<string | null> => {
  if ((await db.flow.count()) > 0) return null;
  return db.$transaction(async (tx) => {
    const source = await createConnection({
      db,
      tx,
      // A connection that receives callouts has a signing secret (unsigned callouts are refused); the demo
      // polls, so its secret is random until an admin sets the one of their Zuora callout template.
      input: {
        vendor: "zuora",
        name: "Zuora (sandbox)",
        baseUrl: sandbox.zuoraBaseUrl,
        secrets: { clientId: sandbox.credentials.zuora.clientId, clientSecret: sandbox.credentials.zuora.clientSecret, calloutHmacSecret: randomBytes(24).toString("base64url") },
      },
    });
    const a = sandbox.credentials.acumatica;
    const target = await createConnection({
      db,
      tx,
      input: {
        vendor: "acumatica",
        name: "Acumatica (sandbox)",
        baseUrl: sandbox.acumaticaBaseUrl,
        // The sandbox instance has no licence limit; a real tenant's admin enters its licence's figures
        // (the connector defaults to a conservative 120 requests/min and 3 at once).
        settings: { endpointVersion: a.endpointVersion, tenant: a.tenant, requestsPerMinute: 6000, maxConcurrent: 8 },
        secrets: { clientId: a.clientId, clientSecret: a.clientSecret, username: a.username, password: a.password },
      },
    });
    const flow = await tx.flow.create({
      data: {
        kind: ZUORA_ACUMATICA,
        name: "Zuora → Acumatica (demo)",
        sourceConnectionId: source.id,
        targetConnectionId: target.id,
        enabled: true,
        schedule: "*/5 * * * *",
        backfillFrom: new Date(now.getTime() - 30 * 86_400_000),
        settings: zuoraAcumaticaSettingsSchema.parse({ createCustomers: true, glAccountKey: "charge", invoiceSettlement: true }),
      },
    });
    await tx.valueMap.createMany({
      data: [
        ...DEMO_GL_MAPS.map(([sourceKey, targetValue]) => ({ flowId: flow.id, kind: "gl-account", sourceKey, sourceLabel: sourceKey, targetValue })),
        ...DEMO_VALUE_MAPS.map(([kind, sourceKey, targetValue]) => ({ flowId: flow.id, kind, sourceKey, sourceLabel: sourceKey, targetValue })),
      ],
    });
    const z = sandbox.credentials["zoho-crm"];
    if (z) {
      // Acumatica -> Zoho CRM and its partner, on the same Acumatica connection: the customers and
      // invoices the Zuora flow posts to Acumatica go on to Zoho; won deals come back as customers.
      const zoho = await createConnection({
        db,
        tx,
        input: { vendor: "zoho-crm", name: "Zoho CRM (sandbox)", baseUrl: z.accountsUrl, secrets: { clientId: z.clientId, clientSecret: z.clientSecret, refreshToken: z.refreshToken } },
      });
      const backfillFrom = new Date(now.getTime() - 30 * 86_400_000);
      const forward = await tx.flow.create({
        data: {
          kind: ACUMATICA_ZOHO_CRM,
          name: "Acumatica → Zoho CRM (demo)",
          sourceConnectionId: target.id,
          targetConnectionId: zoho.id,
          enabled: true,
          schedule: "*/5 * * * *",
          backfillFrom,
          settings: acumaticaZohoSettingsSchema.parse({ defaultInventoryId: "SUBSCRIPTION" }),
        },
      });
      await tx.valueMap.createMany({ data: DEMO_ZOHO_MAPS.map((m) => ({ flowId: forward.id, ...m, sourceLabel: m.sourceKey })) });
      await tx.flow.create({
        data: {
          kind: ZOHO_CRM_ACUMATICA,
          name: "Zoho CRM won deals → Acumatica (demo)",
          sourceConnectionId: zoho.id,
          targetConnectionId: target.id,
          enabled: true,
          schedule: "*/5 * * * *",
          backfillFrom,
          settings: zohoAcumaticaSettingsSchema.parse({ currencyId: "USD" }),
        },
      });
    }
    return flow.id;
  });
};
