import { z } from "zod";
import { createDb } from "../lib/db";
import { env } from "../lib/env";
import { seedDemoFlow } from "../prisma/seed/seed-demo-flow";
import { seedDemoQadFlow } from "../prisma/seed/seed-demo-qad-flow";
import { seedDemoIfsFlow } from "../prisma/seed/seed-demo-ifs-flow";
import { seedNetsuiteDemoFlows } from "../prisma/seed/seed-netsuite-demo-flows";

/**
 * `npm run db:seed`: on a database with no flow yet, demo connections to the vendor sandbox at
 * SANDBOX_URL (default http://127.0.0.1:$SANDBOX_PORT) and a demo flow of every kind: Zuora -> Acumatica,
 * Acumatica -> Zoho CRM with its partner (won deals back), Zuora -> QAD, NetSuite -> Zuora with its partner
 * (subscription events back), and Zuora -> IFS Cloud, each where the sandbox has that vendor.
 * `npm start` runs it in the embedded default.
 */
const infoSchema = z.object({
  zuora: z.object({ baseUrl: z.string(), clientId: z.string(), clientSecret: z.string() }),
  acumatica: z.object({
    baseUrl: z.string(),
    tenant: z.string(),
    clientId: z.string(),
    clientSecret: z.string(),
    username: z.string(),
    password: z.string(),
    endpointVersion: z.string(),
  }),
  qad: z.object({ baseUrl: z.string(), clientId: z.string(), username: z.string(), password: z.string() }).optional(),
  ifsCloud: z.object({ baseUrl: z.string(), realm: z.string(), clientId: z.string(), clientSecret: z.string() }),
  netsuite: z.object({ baseUrl: z.string(), accountId: z.string(), clientId: z.string(), certificateId: z.string(), privateKeyPem: z.string() }).optional(),
  "zoho-crm": z.object({ accountsUrl: z.string(), clientId: z.string(), clientSecret: z.string(), refreshToken: z.string() }).optional(),
});

const { DATABASE_URL, SANDBOX_PORT, SANDBOX_URL } = env();
if (!DATABASE_URL) {
  console.error("DATABASE_URL is not set (npm start seeds its embedded database by itself)");
  process.exit(2);
}
const sandboxUrl = SANDBOX_URL ?? `http://127.0.0.1:${SANDBOX_PORT}`;

let info: z.infer<typeof infoSchema> | undefined;
for (let i = 0; i < 120 && !info; i++) {
  info = await fetch(`${sandboxUrl}/_sandbox/info`).then(
    async (r) => (r.ok ? infoSchema.parse(await r.json()) : undefined),
    () => undefined,
  );
  if (!info) await new Promise((r) => setTimeout(r, 250));
}
if (!info) {
  console.error(`The vendor sandbox did not answer at ${sandboxUrl} (start it with npm run sandbox)`);
  process.exit(1);
}
const db = createDb(DATABASE_URL, { max: 2 });
const flowId = await seedDemoFlow({ db, sandbox: { zuoraBaseUrl: info.zuora.baseUrl, acumaticaBaseUrl: info.acumatica.baseUrl, credentials: info } });
const qadFlowId = info.qad ? await seedDemoQadFlow({ db, sandbox: { zuoraBaseUrl: info.zuora.baseUrl, qadBaseUrl: info.qad.baseUrl, credentials: { qad: info.qad } } }) : null;
const ifsFlowId = await seedDemoIfsFlow({ db, sandbox: { zuoraBaseUrl: info.zuora.baseUrl, credentials: info } });
const netsuiteFlows = info.netsuite ? await seedNetsuiteDemoFlows({ db, sandbox: { zuora: info.zuora, netsuite: info.netsuite } }) : null;
await db.$disconnect();
console.log(flowId ? "created the demo connections and the demo flows (Zuora -> Acumatica, Acumatica -> Zoho CRM and back; pointing at the sandbox)" : "a flow exists already: nothing seeded");
if (qadFlowId) console.log("created the demo QAD connection and the Zuora -> QAD demo flow (pointing at the sandbox)");
if (ifsFlowId) console.log("created the demo IFS Cloud connection and the Zuora -> IFS Cloud demo flow (pointing at the sandbox)");
if (netsuiteFlows) console.log("created the NetSuite demo connections, the NetSuite -> Zuora flow and its partner Zuora subscription events -> NetSuite");
