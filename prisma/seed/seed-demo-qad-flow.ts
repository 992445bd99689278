import { createConnection } from "../../lib/connections/create-connection";
import type { Db } from "../../lib/db";
import { ZUORA_QAD } from "../../lib/flows/zuora-qad/definition";
import { zuoraQadSettingsSchema } from "../../lib/flows/zuora-qad/settings";

/** The sandbox's QAD demo credentials (structurally sandbox/server.ts SandboxCredentials["qad"]; no import of sandbox/). */
export type DemoQadSandbox = {
  zuoraBaseUrl: string;
  qadBaseUrl: string;
  credentials: { qad: { clientId: string; username: string; password: string } };
};

/** The QAD demo company of the sandbox (sandbox/qad/demo.ts): domain NWC, entity NWCUS, customers for about 80 % of the Zuora demo accounts. */
const DEMO_WORKSPACE = { domainCode: "NWC", entityCode: "NWCUS" };

/** GL accounts of the demo's charges (the QAD demo chart has the Zuora catalogue's accounting codes), and a bank account per currency. */
const DEMO_MAPS: { kind: string; sourceKey: string; targetValue: string }[] = [
  ...[
    ["Platform Subscription – Starter", "40100"],
    ["Platform Subscription – Business", "40100"],
    ["Platform Subscription – Enterprise", "40100"],
    ["Premium Support", "40200"],
    ["API Calls (per 1,000)", "40000"],
    ["Implementation Package", "40200"],
    ["Training Day", "40200"],
    ["Tax", "23100"],
  ].map(([sourceKey, targetValue]) => ({ kind: "gl-account", sourceKey: sourceKey!, targetValue: targetValue! })),
  { kind: "bank-account", sourceKey: "USD", targetValue: "10200" },
  { kind: "bank-account", sourceKey: "EUR", targetValue: "10250" },
];

/**
 * Adds the demo's QAD connection and an enabled Zuora -> QAD flow reading the demo Zuora connection
 * (the one seedDemoFlow created for the same sandbox), polling every 5 minutes from 30 days back, with
 * GL and bank maps but no customer match: its documents wait for the admin to match accounts on the
 * canvas, where every account QAD has a customer for carries a suggestion. Idempotent: does nothing
 * when a Zuora -> QAD flow exists or no demo Zuora connection does. Returns the flow id, or null.
 */
export const seedDemoQadFlow = async ({ db, sandbox, now = new Date() }: { db: Db; sandbox: DemoQadSandbox; now?: Date }): Promise<string | null> => {
  if ((await db.flow.count({ where: { kind: ZUORA_QAD } })) > 0) return null;
  const source = await db.connection.findFirst({ where: { vendor: "zuora", baseUrl: sandbox.zuoraBaseUrl }, orderBy: { createdAt: "asc" }, select: { id: true } });
  if (!source) return null;
  return db.$transaction(async (tx) => {
    const q = sandbox.credentials.qad;
    const target = await createConnection({
      db,
      tx,
      input: {
        vendor: "qad",
        name: "QAD (sandbox)",
        baseUrl: sandbox.qadBaseUrl,
        // The sandbox tenant has no limit; a real tenant's admin enters what QAD Cloud allows.
        settings: { ...DEMO_WORKSPACE, requestsPerMinute: 6000, maxConcurrent: 8 },
        secrets: { clientId: q.clientId, username: q.username, password: q.password },
      },
    });
    const flow = await tx.flow.create({
      data: {
        kind: ZUORA_QAD,
        name: "Zuora → QAD (demo)",
        sourceConnectionId: source.id,
        targetConnectionId: target.id,
        enabled: true,
        schedule: "*/5 * * * *",
        backfillFrom: new Date(now.getTime() - 30 * 86_400_000),
        settings: zuoraQadSettingsSchema.parse({ glAccountKey: "charge", invoiceSettlement: true }),
      },
    });
    await tx.valueMap.createMany({ data: DEMO_MAPS.map((m) => ({ flowId: flow.id, ...m, sourceLabel: m.sourceKey })) });
    return flow.id;
  });
};
