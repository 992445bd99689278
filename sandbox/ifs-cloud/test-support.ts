/**
 * Test support for the IFS Cloud contract tests: a sandbox on a loopback port (startSandbox, so the fault layer
 * and control API are the real ones), the demo companies, and a fetch client that validates every answer
 * against our envelope schema (spec/ifs-odata-envelopes.schema.json, which we wrote and keep here).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { type RunningSandbox, startSandbox } from "../index";
import { seedIfsCloudDemo } from "./demo";
import type { IfsCloudSandboxOptions } from "./index";

export type IfsResponse = { status: number; headers: Headers; body: unknown; text: string };
type Envelope = "collection" | "entity" | "error" | "iamTokenResponse" | "iamErrorResponse";

const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, "spec/ifs-odata-envelopes.schema.json"), "utf8")) as { $id: string };
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: false });
ajv.addSchema(schema);

/** Errors of `body` against `#/$defs/<envelope>`; [] when valid. */
export const envelopeErrors = (envelope: Envelope, body: unknown): string[] => {
  const validate = ajv.getSchema(`${schema.$id}#/$defs/${envelope}`);
  if (!validate) throw new Error(`no $defs/${envelope} in the envelope schema`);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
};

const envelopeOf = (url: string, status: number, body: unknown): Envelope | undefined => {
  if (url.includes("/protocol/openid-connect/token")) return status === 200 ? "iamTokenResponse" : "iamErrorResponse";
  if (typeof body !== "object" || body === null) return undefined;
  if (status >= 400) return "error";
  return Array.isArray((body as { value?: unknown }).value) ? "collection" : "entity";
};

export type TestIfs = {
  sandbox: RunningSandbox;
  /** `<origin>/ifs-cloud` */
  baseUrl: string;
  /** `<baseUrl>/int/ifsapplications/projection/v1` */
  projections: string;
  token(): Promise<string>;
  /** Any request to the IFS host; JSON answers are validated against the envelope schema (a mismatch throws). */
  call(method: string, url: string, options?: { body?: unknown; form?: Record<string, string>; headers?: Record<string, string>; bearer?: string | false }): Promise<IfsResponse>;
  /** `call` under `projections` with a cached token. */
  api(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<IfsResponse>;
  forgetToken(): void;
  close(): Promise<void>;
};

export const startIfs = async (options: IfsCloudSandboxOptions & { demo?: boolean } = {}): Promise<TestIfs> => {
  const { demo = true, ...ifsCloud } = options;
  const sandbox = await startSandbox({ port: 0, ifsCloud });
  if (demo) seedIfsCloudDemo(sandbox.vendors.ifsCloud.control);
  const baseUrl = sandbox.ifsCloudBaseUrl;
  const projections = `${baseUrl}/int/ifsapplications/projection/v1`;
  let cached: string | undefined;

  const call: TestIfs["call"] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    let body: string | undefined;
    if (opts.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(opts.form).toString();
    } else if (opts.body !== undefined) {
      headers["content-type"] ??= "application/json";
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    }
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    const response = await fetch(url.startsWith("http") ? url : `${baseUrl}${url}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get("content-type")?.includes("json")) parsed = JSON.parse(text);
    const envelope = envelopeOf(url, response.status, parsed);
    if (envelope) {
      const errors = envelopeErrors(envelope, parsed);
      if (errors.length > 0) throw new Error(`${method} ${url} -> ${response.status}: not a valid ${envelope}: ${errors.join("; ")}\n${text.slice(0, 500)}`);
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };

  const token = async () => {
    const { clientId, clientSecret, realm } = sandbox.credentials.ifsCloud;
    const res = await call("POST", `/auth/realms/${realm}/protocol/openid-connect/token`, {
      form: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, scope: "openid microprofile-jwt" },
    });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
    return (res.body as { access_token: string }).access_token;
  };

  const api: TestIfs["api"] = async (method, pathAndQuery, body, headers) => {
    cached ??= await token();
    return call(method, `${projections}${pathAndQuery}`, { body, headers, bearer: cached });
  };

  return {
    sandbox,
    baseUrl,
    projections,
    token,
    call,
    api,
    forgetToken: () => {
      cached = undefined;
    },
    close: () => sandbox.close(),
  };
};

/** A balanced two-row invoice voucher for company 10 (USD) dated `date`. */
export const invoiceVoucher = (date: string, reference: string, amount = 1200, overrides: { rows?: Record<string, unknown>[] } = {}) => ({
  Company: "10",
  VoucherType: "I",
  VoucherDate: date,
  VoucherText: `Zuora ${reference}`,
  VoucherRowArray: overrides.rows ?? [
    { Company: "10", Account: "1510", CodeB: "100", CurrencyCode: "USD", CurrencyDebetAmount: amount, Text: reference, ReferenceNumber: reference },
    { Company: "10", Account: "3010", CodeB: "100", CurrencyCode: "USD", CurrencyCreditAmount: amount, Text: reference, ReferenceNumber: reference },
  ],
});

export const today = () => new Date().toISOString().slice(0, 10);
