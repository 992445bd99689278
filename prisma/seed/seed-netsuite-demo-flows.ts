import { createConnection } from "../../lib/connections/create-connection";
import type { Db, Prisma } from "../../lib/db";
import { NETSUITE_ZUORA, ZUORA_NETSUITE_SUBSCRIPTIONS } from "../../lib/flows/netsuite-zuora/definition";
import { netsuiteZuoraSettingsSchema } from "../../lib/flows/netsuite-zuora/mapping";
import { zuoraNetsuiteSubscriptionsSettingsSchema } from "../../lib/flows/zuora-netsuite-subscriptions/mapping";

/** The sandbox's NetSuite and Zuora demo credentials (structurally sandbox/server.ts SandboxCredentials; no import of sandbox/). */
export type NetsuiteDemoSandbox = {
  zuora: { baseUrl: string; clientId: string; clientSecret: string };
  netsuite: { baseUrl: string; accountId: string; clientId: string; certificateId: string; privateKeyPem: string };
};

/** The demo items (sandbox/netsuite/demo.ts) -> Zuora charge names and GL codes. "NW-TRN" is left unmapped, so the demo shows held invoices. */
const DEMO_ITEM_MAPS: [item: string, charge: string, gl: string][] = [
  ["NW-PLAT-S", "Platform Subscription – Starter", "40100"],
  ["NW-PLAT-B", "Platform Subscription – Business", "40100"],
  ["NW-PLAT-E", "Platform Subscription – Enterprise", "40100"],
  ["NW-SUP-P", "Premium Support", "40200"],
  ["NW-ONB", "Implementation Package", "40200"],
];

/**
 * An enabled NetSuite -> Zuora flow (link field NetSuiteId__c) with its item maps, and its partner Zuora
 * subscription events -> NetSuite flow, between the two connections.
 */
export const createNetsuiteZuoraFlowPair = async ({
  tx,
  netsuiteConnectionId,
  zuoraConnectionId,
  backfillFrom,
  schedule,
  names,
  itemMaps,
}: {
  tx: Prisma.TransactionClient | Db;
  netsuiteConnectionId: string;
  zuoraConnectionId: string;
  backfillFrom: Date;
  schedule: string | null;
  names: [invoices: string, subscriptions: string];
  /** NetSuite item -> Zuora charge name and GL code */
  itemMaps: readonly (readonly [item: string, charge: string, gl: string])[];
}) => {
  const invoices = await tx.flow.create({
    data: {
      kind: NETSUITE_ZUORA,
      name: names[0],
      sourceConnectionId: netsuiteConnectionId,
      targetConnectionId: zuoraConnectionId,
      enabled: true,
      schedule,
      backfillFrom,
      settings: netsuiteZuoraSettingsSchema.parse({ linkField: "NetSuiteId__c" }) as Prisma.InputJsonValue,
    },
  });
  const subscriptions = await tx.flow.create({
    data: {
      kind: ZUORA_NETSUITE_SUBSCRIPTIONS,
      name: names[1],
      sourceConnectionId: zuoraConnectionId,
      targetConnectionId: netsuiteConnectionId,
      enabled: true,
      schedule: null,
      backfillFrom,
      settings: zuoraNetsuiteSubscriptionsSettingsSchema.parse({}) as Prisma.InputJsonValue,
    },
  });
  await tx.valueMap.createMany({
    data: itemMaps.flatMap(([item, charge, gl]) => [
      { flowId: invoices.id, kind: "item-charge", sourceKey: item, sourceLabel: item, targetValue: charge },
      { flowId: invoices.id, kind: "item-gl", sourceKey: item, sourceLabel: item, targetValue: gl },
    ]),
  });
  return { invoices: invoices.id, subscriptions: subscriptions.id };
};

/**
 * The NetSuite demo: a NetSuite connection (the demo certificate's private key, a webhook secret), a
 * Zuora connection that receives subscription callouts (HMAC secret), an enabled NetSuite -> Zuora flow
 * polling every 5 minutes with its item maps, and its partner Zuora subscription events -> NetSuite flow.
 * Idempotent: does nothing when a NetSuite -> Zuora flow exists. Returns the two flow ids, or null.
 */
export const seedNetsuiteDemoFlows = async ({ db, sandbox, now = new Date() }: { db: Db; sandbox: NetsuiteDemoSandbox; now?: Date }): Promise<{ invoices: string; subscriptions: string } | null> => {
  if ((await db.flow.count({ where: { kind: NETSUITE_ZUORA } })) > 0) return null;
  return db.$transaction(async (tx) => {
    const ns = sandbox.netsuite;
    const netsuite = await createConnection({
      db,
      tx,
      input: {
        vendor: "netsuite",
        name: "NetSuite (sandbox)",
        baseUrl: ns.baseUrl,
        settings: { accountId: ns.accountId, certificateId: ns.certificateId, algorithm: "ES256" },
        secrets: { clientId: ns.clientId, privateKey: ns.privateKeyPem, webhookSecret: "demo-netsuite-webhook-secret-7Qm2" },
      },
    });
    const zuora = await createConnection({
      db,
      tx,
      input: {
        vendor: "zuora",
        name: "Zuora (sandbox, NetSuite)",
        baseUrl: sandbox.zuora.baseUrl,
        secrets: { clientId: sandbox.zuora.clientId, clientSecret: sandbox.zuora.clientSecret, calloutHmacSecret: "demo-zuora-callout-secret-4Rt8" },
      },
    });
    return createNetsuiteZuoraFlowPair({
      tx,
      netsuiteConnectionId: netsuite.id,
      zuoraConnectionId: zuora.id,
      backfillFrom: new Date(now.getTime() - 30 * 86_400_000),
      schedule: "*/5 * * * *",
      names: ["NetSuite → Zuora (demo)", "Zuora subscription events → NetSuite (demo)"],
      itemMaps: DEMO_ITEM_MAPS,
    });
  });
};
