import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type APIRequestContext } from "@playwright/test";
import pg from "pg";
import { z } from "zod";
import { createCallRecorder, type RecordedCall } from "../lib/http/call-recorder";
import { PlainHttpClient } from "../lib/http/vendor-client";
import { DEMO_FLOW_NAME, SANDBOX_CONTROL } from "./records-support";

/**
 * Runs `fn` with a client of the e2e run's embedded Postgres (scripts/start.ts keeps its password in
 * DATA_DIR/secrets.json), for journeys that seed what the engine cannot be made to produce quickly.
 */
export const withE2eDb = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is not set: these journeys need the run's own database (not E2E_BASE_URL)");
  const { pgPassword } = JSON.parse(readFileSync(path.join(dataDir, "secrets.json"), "utf8")) as { pgPassword: string };
  const client = new pg.Client({ host: "127.0.0.1", port: Number(process.env.E2E_PG_PORT ?? 5544), user: "postgres", password: pgPassword, database: "ml_connector" });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

export const demoFlowId = async (request: APIRequestContext) => {
  const flows = (await (await request.get("/api/flows")).json()) as { id: string; name: string }[];
  const demo = flows.find((f) => f.name === DEMO_FLOW_NAME);
  expect(demo, `a flow named "${DEMO_FLOW_NAME}"`).toBeDefined();
  return demo!.id;
};

const sandboxInfoSchema = z.object({
  acumatica: z.object({ baseUrl: z.string(), clientId: z.string(), clientSecret: z.string(), username: z.string(), password: z.string(), endpointVersion: z.string() }),
});

/**
 * Real vendor calls recorded by the app's call recorder: the e2e sandbox's Acumatica sign-in (a form
 * carrying the password and client secret) and a customer read with the token it returned.
 * Returns the recorded calls and the password, which must appear nowhere on screen.
 */
export const recordSandboxCalls = async (request: APIRequestContext): Promise<{ calls: RecordedCall[]; password: string; clientSecret: string }> => {
  const { acumatica } = sandboxInfoSchema.parse(await (await request.get(`${SANDBOX_CONTROL}/info`)).json());
  const http = new PlainHttpClient({ vendor: "acumatica", baseUrl: acumatica.baseUrl, retry: { maxAttempts: 1 } });
  const recorder = createCallRecorder();
  await recorder.run(async () => {
    const token = await http.request({
      method: "POST",
      path: "identity/connect/token",
      auth: false,
      body: { form: { grant_type: "password", username: acumatica.username, password: acumatica.password, client_id: acumatica.clientId, client_secret: acumatica.clientSecret, scope: "api offline_access" } },
      outputSchema: z.object({ access_token: z.string() }),
    });
    await http.request({ method: "GET", path: `entity/Default/${acumatica.endpointVersion}/Customer`, query: { $top: 1 }, headers: { authorization: `Bearer ${token.access_token}` }, outputSchema: z.unknown() });
  });
  return { calls: recorder.calls(), password: acumatica.password, clientSecret: acumatica.clientSecret };
};

/** Inserts a failed record of the demo flow with its trail, as the engine writes them; returns its id. */
export const seedFailedRecord = async (
  client: pg.Client,
  { flowId, naturalKey, statusReason, lastError, retryable, calls }: { flowId: string; naturalKey: string; statusReason: string; lastError: string; retryable: boolean; calls?: RecordedCall[] },
): Promise<string> => {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO "SyncRecord" ("flowId", "objectType", "sourceId", "naturalKey", status, "statusReason", "lastError", attempts, amount, currency, "documentDate", "updatedAt")
     VALUES ($1, 'invoice', $2, $3, 'failed', $4, $5, 3, 120.00, 'USD', CURRENT_DATE, now()) RETURNING id`,
    [flowId, `e2e-${naturalKey}`, naturalKey, statusReason, lastError],
  );
  const id = rows[0]!.id;
  const event = (kind: string, detail: unknown) => client.query(`INSERT INTO "RecordEvent" ("recordId", kind, detail) VALUES ($1, $2, $3)`, [id, kind, JSON.stringify(detail)]);
  await event("received", { origin: "poll", sourceVersion: null });
  await event("attempt", { attempt: 1, request: [{ operation: "create Invoice", entity: "Invoice", naturalKey }], targetStatus: retryable ? 503 : 422, error: lastError, retryable, durationMs: 120, ...(calls ? { calls } : {}) });
  await event("failed", { reason: lastError, retryable });
  return id;
};
