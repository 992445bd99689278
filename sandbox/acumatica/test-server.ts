/**
 * Test support: a real Fastify server on 127.0.0.1:0 with the Acumatica sandbox mounted the way the framework
 * mounts it (`/acumatica` + `/_sandbox/acumatica`), and a small fetch client for it.
 */
import Fastify from "fastify";
import { ACUMATICA_SANDBOX_DEFAULTS, type AcumaticaSandbox, type AcumaticaSandboxOptions, createAcumaticaSandbox } from "./index";

export type TestResponse = { status: number; headers: Headers; body: unknown; text: string };

export type TestAcumatica = {
  sandbox: AcumaticaSandbox;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The instance URL: `<origin>/acumatica`. */
  instanceUrl: string;
  close(): Promise<void>;
  /** Password grant with the default client and user. */
  token(scope?: string): Promise<{ access_token: string; refresh_token?: string; expires_in: number }>;
  /** Request against the instance URL; `path` starts with `/entity` or `/identity`. JSON bodies unless `form`. */
  call(method: string, path: string, opts?: { body?: unknown; form?: Record<string, string>; headers?: Record<string, string>; bearer?: string | false }): Promise<TestResponse>;
  /** `call` under `/entity/Default/24.200.001` with a cached bearer token. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  /** Drops the cached token of `api` (after `control.reset()`, which ends every token). */
  forgetToken(): void;
};

export const startAcumatica = async (options?: AcumaticaSandboxOptions): Promise<TestAcumatica> => {
  const sandbox = createAcumaticaSandbox(options);
  const app = Fastify({ logger: false });
  await app.register(sandbox.plugin, { prefix: "/acumatica" });
  await app.register(sandbox.controlPlugin, { prefix: "/_sandbox/acumatica" });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  const instanceUrl = `${address}/acumatica`;
  let cachedToken: string | undefined;

  const call: TestAcumatica["call"] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    let body: string | undefined;
    if (opts.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(opts.form).toString();
    } else if (opts.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    const res = await fetch(`${instanceUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  const token: TestAcumatica["token"] = async (scope = "api offline_access") => {
    const res = await call("POST", "/identity/connect/token", {
      form: {
        grant_type: "password",
        client_id: ACUMATICA_SANDBOX_DEFAULTS.client.clientId.replace(/@.*$/, `@${options?.tenant ?? ACUMATICA_SANDBOX_DEFAULTS.tenant}`),
        client_secret: ACUMATICA_SANDBOX_DEFAULTS.client.clientSecret,
        username: ACUMATICA_SANDBOX_DEFAULTS.user.username,
        password: ACUMATICA_SANDBOX_DEFAULTS.user.password,
        scope,
      },
    });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
    return res.body as { access_token: string; refresh_token?: string; expires_in: number };
  };

  const api: TestAcumatica["api"] = async (method, path, body, headers) => {
    cachedToken ??= (await token()).access_token;
    return call(method, `/entity/Default/24.200.001${path}`, { body, headers, bearer: cachedToken });
  };

  const forgetToken = () => {
    cachedToken = undefined;
  };

  return { sandbox, origin: address, instanceUrl, close: () => app.close(), token, call, api, forgetToken };
};

/** Wraps flat values as the contract wants them: `{ A: 1 }` -> `{ A: { value: 1 } }`; arrays of objects recurse. */
export const wrap = (flat: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(flat).map(([key, value]) => [
      key,
      Array.isArray(value)
        ? value.map((row) => wrap(row as Record<string, unknown>))
        : typeof value === "object" && value !== null
          ? wrap(value as Record<string, unknown>)
          : { value },
    ]),
  );

/** Reads `entity[field].value`. */
export const val = (entity: unknown, field: string): unknown =>
  ((entity as Record<string, { value?: unknown } | undefined>)[field] ?? {}).value;
