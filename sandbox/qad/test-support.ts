import { expect } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { envelopeErrors, type QadEnvelope } from "./spec-validator";
import type { QadSandboxOptions } from "./tenant";

/* Helpers for the QAD contract tests: real HTTP against a sandbox on a loopback port; every answer checked against the envelope schema. */

export const INVOICE_VIEW = "urn:be:com.qad.financials.ICustomerInvoice";
export const PAYMENT_VIEW = "urn:be:com.qad.financials.ICustomerPayment";
export const ADJUSTMENT_VIEW = "urn:be:com.qad.financials.ICustomerAdjustment";
export const CUSTOMER_VIEW = "urn:be:com.qad.base.customer.ICustomerV2";
export const BROWSE = {
  customers: "urn:browse:bebrowse:com.qad.erp.base.customers",
  glAccounts: "urn:browse:bebrowse:com.qad.erp.financials.glAccounts",
  glPeriods: "urn:browse:bebrowse:com.qad.erp.financials.glPeriods",
  invoices: "urn:browse:bebrowse:com.qad.erp.financials.customerInvoices",
  payments: "urn:browse:bebrowse:com.qad.erp.financials.customerPayments",
  adjustments: "urn:browse:bebrowse:com.qad.erp.financials.customerAdjustments",
} as const;

export const expectEnvelope = (definition: QadEnvelope, body: unknown) => expect(envelopeErrors(definition, body)).toEqual([]);

export type Answer = { status: number; headers: Headers; body: Record<string, unknown> };

export type TestQad = {
  sandbox: RunningSandbox;
  base: string;
  token: (form?: Record<string, string>) => Promise<Answer>;
  bearer: () => Promise<string>;
  /** Drops the cached token (after a reset, which ends every token). */
  forgetToken: () => void;
  call: (method: string, path: string, options?: { body?: unknown; workspace?: string | null; authorization?: string | null }) => Promise<Answer>;
  /** A browse page; rows of `data`. */
  browse: (browseId: string, params?: Record<string, string | string[]>, workspace?: string) => Promise<Answer>;
  write: (collection: string, viewUri: string, records: unknown[], workspace?: string) => Promise<Answer>;
  close: () => Promise<void>;
};

export const startQad = async (options: QadSandboxOptions = {}): Promise<TestQad> => {
  const sandbox = await startSandbox({ port: 0, qad: options });
  const { baseUrl, clientId, username, password } = sandbox.credentials.qad;
  let cached: string | undefined;
  const read = async (response: Response): Promise<Answer> => {
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const token = async (form: Record<string, string> = { client_id: clientId, grant_type: "password", username, password }) =>
    read(await fetch(`${baseUrl}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) }));
  const bearer = async () => {
    if (!cached) {
      const answer = await token();
      expect(answer.status).toBe(200);
      cached = answer.body.access_token as string;
    }
    return cached;
  };
  /** With the cached token, a 401 gets a new token and one retry, as the observed clients do. */
  const call: TestQad["call"] = async (method, path, options = {}) => {
    const send = async () => {
      const headers: Record<string, string> = {};
      if (options.authorization !== null) headers.authorization = options.authorization ?? `Bearer ${await bearer()}`;
      if (options.workspace !== null && options.workspace !== undefined) headers["x-qad-workspace-id"] = options.workspace;
      if (options.body !== undefined) headers["content-type"] = "application/json";
      return read(await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) }));
    };
    const answer = await send();
    if (answer.status !== 401 || options.authorization !== undefined) return answer;
    cached = undefined;
    return send();
  };
  const browse: TestQad["browse"] = (browseId, params = {}, workspace) => {
    const search = new URLSearchParams({ browseId, page: "1", pageSize: "100", pageAction: "first" });
    for (const [k, v] of Object.entries(params)) {
      search.delete(k);
      for (const value of Array.isArray(v) ? v : [v]) search.append(k, value);
    }
    return call("GET", `/api/qracore/browses?${search.toString()}`, { workspace });
  };
  const write: TestQad["write"] = (collection, viewUri, records, workspace) =>
    call("POST", `/api/erp/${collection}?viewUri=${encodeURIComponent(viewUri)}`, { body: { supplementaryMessages: [], [collection]: records }, workspace });
  return {
    sandbox,
    base: baseUrl,
    token,
    bearer,
    forgetToken: () => {
      cached = undefined;
    },
    call,
    browse,
    write,
    close: () => sandbox.close(),
  };
};

export const today = () => new Date().toISOString().slice(0, 10);
