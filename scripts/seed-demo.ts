import { z } from "zod";
import { createDb } from "../lib/db";
import { env } from "../lib/env";
import { seedDemoFlow } from "../prisma/seed/seed-demo-flow";

/**
 * `npm run db:seed`: on a database with no flow yet, demo connections to the vendor sandbox at
 * SANDBOX_URL (default http://127.0.0.1:$SANDBOX_PORT), a Zuora -> Acumatica demo flow, and Acumatica -> Zoho CRM with
 * its partner (won deals back) when the sandbox has the Zoho CRM org.
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
await db.$disconnect();
console.log(flowId ? "created the demo connections and the demo flows (Zuora -> Acumatica, Acumatica -> Zoho CRM and back; pointing at the sandbox)" : "a flow exists already: nothing seeded");
