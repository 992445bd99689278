/* Helpers for the NetSuite contract tests: real HTTP against a sandbox on a loopback port, every answer checked against our envelope schema. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { importPKCS8, SignJWT, type KeyLike } from "jose";
import type { RunningSandbox } from "../index";

const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, "spec", "ns-rest-envelopes.schema.json"), "utf8")) as { $id: string };
const ajv = new Ajv2020({ allowUnionTypes: true, allErrors: true });
ajv.addSchema(schema);

export type EnvelopeName = "nsError" | "nsResourceCollection" | "suiteqlPage" | "clientCredentialsTokenResponse" | "oauthErrorResponse" | "nsResource";

/** Schema errors of `body` against `#/$defs/<name>` of spec/ns-rest-envelopes.schema.json; [] when valid. */
export const envelopeErrors = (name: EnvelopeName, body: unknown): string[] => {
  const validate = ajv.getSchema(`${schema.$id}#/$defs/${name}`);
  if (!validate) throw new Error(`${name} is not in the envelope schema`);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

export const tokenUrl = (sandbox: RunningSandbox) => `${sandbox.netsuiteBaseUrl}/services/rest/auth/oauth2/v1/token`;

export type AssertionOptions = {
  alg?: string;
  kid?: string;
  iss?: string;
  aud?: string;
  scope?: unknown;
  iat?: number;
  exp?: number;
  key?: KeyLike;
  typ?: string;
};

/** A client assertion as the connector will sign it (jose), with any part overridden to test a refusal. */
export const signAssertion = async (sandbox: RunningSandbox, options: AssertionOptions = {}) => {
  const { clientId, certificateId, privateKeyPem } = sandbox.credentials.netsuite;
  const alg = options.alg ?? "ES256";
  const key = options.key ?? (await importPKCS8(privateKeyPem, "ES256"));
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: options.scope ?? ["rest_webservices"] })
    .setProtectedHeader({ alg, typ: options.typ ?? "JWT", kid: options.kid ?? certificateId })
    .setIssuer(options.iss ?? clientId)
    .setAudience(options.aud ?? tokenUrl(sandbox))
    .setIssuedAt(iat)
    .setExpirationTime(options.exp ?? iat + 3600)
    .sign(key);
};

export const requestToken = async (sandbox: RunningSandbox, assertion: string, extra: Record<string, string> = {}) => {
  const response = await fetch(tokenUrl(sandbox), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion, ...extra }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

export const getToken = async (sandbox: RunningSandbox): Promise<string> => {
  const { status, body } = await requestToken(sandbox, await signAssertion(sandbox));
  if (status !== 200) throw new Error(`token: ${status} ${JSON.stringify(body)}`);
  return String(body.access_token);
};

export type NsResponse = { status: number; headers: Headers; body: Record<string, unknown> | undefined };

/** A call to the account's REST root; `path` starts with /services/rest. */
export const ns = async (sandbox: RunningSandbox, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<NsResponse> => {
  const response = await fetch(`${sandbox.netsuiteBaseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) };
};

/** The first error detail of an nsError body, after checking the body against the schema. */
export const errorDetail = (response: NsResponse) => {
  const errors = envelopeErrors("nsError", response.body);
  if (errors.length > 0) throw new Error(`not an nsError: ${errors.join("; ")} in ${JSON.stringify(response.body)}`);
  return (response.body?.["o:errorDetails"] as Record<string, string>[])[0] ?? {};
};

export const idFromLocation = (response: NsResponse) => response.headers.get("location")?.split("/").pop() ?? "";
