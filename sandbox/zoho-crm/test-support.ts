import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { startSandbox, type RunningSandbox } from "../index";

/* Helpers of the Zoho CRM contract tests: real HTTP against a sandbox on a loopback port, answers checked against spec/. */

const SPEC_DIR = path.join(import.meta.dirname, "spec");
const SPEC_FILES = ["error", "token-response", "write-response", "list-response", "settings-response", "watch", "coql-response"] as const;
export type SpecName = (typeof SPEC_FILES)[number];

const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: true });
for (const name of SPEC_FILES) ajv.addSchema(JSON.parse(readFileSync(path.join(SPEC_DIR, `${name}.schema.json`), "utf8")) as object);

/** Errors of `value` against spec/<name>.schema.json (empty when it conforms). */
export const specErrors = (name: SpecName, value: unknown): string[] => {
  const validate = ajv.getSchema(`https://ml-connector.local/sandbox/zoho-crm/spec/${name}.schema.json`);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
};

export type ZohoClient = {
  sandbox: RunningSandbox;
  apiDomain: string;
  accessToken: string;
  call: (method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; headers: Headers; body: any }>;
};

export const requestToken = async (sandbox: RunningSandbox, params: Record<string, string> = {}, dc?: string) => {
  const c = sandbox.credentials["zoho-crm"];
  const url = dc ? c.accountsUrl.replace(/\/accounts\/[a-z]+$/, `/accounts/${dc}`) : c.accountsUrl;
  const response = await fetch(`${url}/oauth/v2/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "refresh_token", client_id: c.clientId, client_secret: c.clientSecret, refresh_token: c.refreshToken, ...params }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** A client holding a fresh access token of the demo client. */
export const zohoClient = async (sandbox: RunningSandbox): Promise<ZohoClient> => {
  const token = await requestToken(sandbox);
  if (typeof token.body.access_token !== "string") throw new Error(`token: ${JSON.stringify(token.body)}`);
  const client: ZohoClient = {
    sandbox,
    apiDomain: String(token.body.api_domain),
    accessToken: token.body.access_token,
    call: async (method, pathAndQuery, body, headers = {}) => {
      const response = await fetch(`${client.apiDomain}${pathAndQuery}`, {
        method,
        headers: { authorization: `Zoho-oauthtoken ${client.accessToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
    },
  };
  return client;
};

/** A sandbox with the demo org's custom fields (unique Acumatica keys) and nothing else. */
export const startZohoSandbox = async () => {
  const sandbox = await startSandbox({ port: 0 });
  await sandbox.control.zohoCrm.addField({ module: "Accounts", api_name: "Acumatica_Customer_ID", data_type: "text", unique: true });
  await sandbox.control.zohoCrm.addField({ module: "Products", api_name: "Acumatica_Inventory_ID", data_type: "text", unique: true });
  await sandbox.control.zohoCrm.addField({ module: "Invoices", api_name: "Acumatica_Reference_Nbr", data_type: "text", unique: true });
  return sandbox;
};

/** A local HTTP receiver for notification callbacks. */
export const startReceiver = async (status = 200) => {
  const received: { url: string; body: Record<string, unknown> }[] = [];
  const server: Server = createServer((request, response) => {
    let data = "";
    request.on("data", (chunk: Buffer) => (data += chunk.toString("utf8")));
    request.on("end", () => {
      received.push({ url: request.url ?? "", body: JSON.parse(data) as Record<string, unknown> });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/zoho/notify`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};
