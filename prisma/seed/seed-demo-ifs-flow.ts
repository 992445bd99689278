import { createConnection } from "../../lib/connections/create-connection";
import type { Db } from "../../lib/db";
import { ZUORA_IFS_CLOUD } from "../../lib/flows/zuora-ifs-cloud/definition";
import { companyKeyOf, GL_ROLE, glKeyOf } from "../../lib/flows/zuora-ifs-cloud/mapping";
import { zuoraIfsCloudSettingsSchema } from "../../lib/flows/zuora-ifs-cloud/settings";

/** The sandbox's demo credentials this seed uses (structurally sandbox/server.ts SandboxCredentials; no import of sandbox/). */
export type DemoIfsSandbox = {
  zuoraBaseUrl: string;
  credentials: { zuora: { clientId: string; clientSecret: string }; ifsCloud: { baseUrl: string; realm: string; clientId: string; clientSecret: string } };
};

/** Demo companies per Zuora currency: 10 Northwind Cloud Inc. (USD), 20 Northwind Cloud GmbH (EUR). */
const DEMO_COMPANIES: Record<string, string> = { USD: "10", EUR: "20" };

/** Demo IFS accounts (sandbox/ifs-cloud/demo.ts chart) per Zuora accounting code and balance-sheet role. */
const DEMO_ACCOUNTS: Record<string, string> = {
  "40100": "3010",
  "40200": "3020",
  "40000": "3030",
  [GL_ROLE.receivable]: "1510",
  [GL_ROLE.tax]: "2610",
  [GL_ROLE.electronic]: "1920",
  [GL_ROLE.external]: "1930",
};

/** Demo cost centers per Zuora product; "Training" is left unmapped so the demo shows held records. */
export const DEMO_IFS_COST_CENTERS: Record<string, string> = { "Northwind Platform": "100", "API Usage": "100", "Premium Support": "200", Onboarding: "300", Training: "300" };

/** Every value map of the demo Zuora -> IFS Cloud flow (`withoutCostCenters` leaves those products out). */
export const demoIfsValueMaps = ({ withoutCostCenters = [] as string[] } = {}) => [
  ...Object.entries(DEMO_COMPANIES).map(([currency, company]) => ({ kind: "company", sourceKey: companyKeyOf.currency(currency), targetValue: company })),
  ...Object.values(DEMO_COMPANIES).flatMap((company) => Object.entries(DEMO_ACCOUNTS).map(([value, account]) => ({ kind: "gl-account", sourceKey: glKeyOf(company, value), targetValue: account }))),
  ...Object.entries(DEMO_IFS_COST_CENTERS)
    .filter(([product]) => !withoutCostCenters.includes(product))
    .map(([product, costCenter]) => ({ kind: "cost-center", sourceKey: product, targetValue: costCenter })),
];

/** Settings of the demo flow: balance-sheet rows on cost center 900 (Corporate). */
export const DEMO_IFS_FLOW_SETTINGS = { balanceSheetCostCenter: "900", invoiceSettlement: true, postExternalPayments: true } as const;

/**
 * Adds the demo IFS Cloud connection and an enabled Zuora -> IFS Cloud flow (polling every 5 minutes
 * from 30 days back) with its value maps, next to whatever exists: it reuses the demo's Zuora
 * connection to the same URL when there is one. Idempotent: does nothing when a Zuora -> IFS Cloud
 * flow exists. Returns the flow id, or null when it did nothing.
 */
export const seedDemoIfsFlow = async ({ db, sandbox, now = new Date() }: { db: Db; sandbox: DemoIfsSandbox; now?: Date }): Promise<string | null> => {
  if ((await db.flow.count({ where: { kind: ZUORA_IFS_CLOUD } })) > 0) return null;
  return db.$transaction(async (tx) => {
    const existing = await tx.connection.findFirst({ where: { vendor: "zuora", baseUrl: sandbox.zuoraBaseUrl }, orderBy: { createdAt: "asc" } });
    const source =
      existing ??
      (await createConnection({
        db,
        tx,
        input: { vendor: "zuora", name: "Zuora (sandbox)", baseUrl: sandbox.zuoraBaseUrl, secrets: { clientId: sandbox.credentials.zuora.clientId, clientSecret: sandbox.credentials.zuora.clientSecret } },
      }));
    const i = sandbox.credentials.ifsCloud;
    const target = await createConnection({
      db,
      tx,
      input: { vendor: "ifs-cloud", name: "IFS Cloud (sandbox)", baseUrl: i.baseUrl, settings: { realm: i.realm }, secrets: { clientId: i.clientId, clientSecret: i.clientSecret } },
    });
    const flow = await tx.flow.create({
      data: {
        kind: ZUORA_IFS_CLOUD,
        name: "Zuora → IFS Cloud (demo)",
        sourceConnectionId: source.id,
        targetConnectionId: target.id,
        enabled: true,
        schedule: "*/5 * * * *",
        backfillFrom: new Date(now.getTime() - 30 * 86_400_000),
        settings: zuoraIfsCloudSettingsSchema.parse(DEMO_IFS_FLOW_SETTINGS),
      },
    });
    await tx.valueMap.createMany({ data: demoIfsValueMaps({ withoutCostCenters: ["Training"] }).map((m) => ({ flowId: flow.id, ...m, sourceLabel: m.sourceKey })) });
    return flow.id;
  });
};
