// Acumatica contract-based REST. Auth: OAuth 2.0 on the instance (`/identity/connect/token`,
// password grant with client id `GUID@Tenant` and scope `api offline_access`, then refresh_token
// grant), tokens cached in Postgres and shared. URLs: `{instance}/entity/Default/{version}/{Entity}`
// with a pinned version (an unknown version answers 404). Every value is wrapped `{ "value": … }`
// (values.ts); no idempotency key, so look up by natural key and insert with `If-None-Match: *`.
// Licence limits answer 429 (retried with backoff). Paging: `$top`/`$skip`, no cursor.
import { PlainHttpClient, VendorHttpError, joinUrl } from "../../http";
import { describeFailure } from "../describe-failure";
import type { ConnectionContext, Connector, TestConnectionContext, TestStep, VendorErrorPaths } from "../types";
import { createAcumaticaTokenCache, fetchAcumaticaToken } from "./auth";
import { AcumaticaClient } from "./client";
import { acumaticaConfig } from "./config";
import { buildAcumaticaDocumentLink } from "./document-link";
import { acumaticaCustomerSchema, acumaticaEndpointsSchema, acumaticaSecretsSchema, acumaticaSettingsSchema } from "./schemas";
import { acumaticaForm } from "./form";
import { listAcumaticaEndpointVersions } from "./list-endpoint-versions";
import { wrapped } from "./values";
import { verifyAcumaticaPush } from "./webhooks";
import { z } from "zod";
import { parseTestInput } from "../common/parse-test-input";

export {
  AcumaticaClient,
  type ArDocumentInput,
  type ArDocumentLine,
  type CustomerInput,
  type JournalTransactionInput,
  type ListOptions,
  type PaymentInput,
} from "./client";
export {
  listAcumaticaCashAccounts,
  listAcumaticaCashGlAccounts,
  listAcumaticaCustomers,
  listAcumaticaGlAccounts,
  listAcumaticaPaymentMethods,
  listAcumaticaTaxCategories,
  listAcumaticaTaxes,
  listAcumaticaTaxZones,
} from "./catalog";
export { acumaticaConfig, type AcumaticaEntity } from "./config";
export { acumaticaForm } from "./form";
export { listAcumaticaEndpointVersions } from "./list-endpoint-versions";
export * from "./schemas";
export { collectFieldErrors, describeFieldError, unwrap, wrap, wrapped, type FieldError, type PlainRecord } from "./values";

/** An Acumatica client for one connection (settings and secrets are parsed here). */
export const createAcumaticaClient = (ctx: ConnectionContext): AcumaticaClient => {
  const settings = acumaticaSettingsSchema.parse(ctx.settings ?? {});
  const secrets = acumaticaSecretsSchema.parse(ctx.secrets);
  return new AcumaticaClient(ctx, settings, createAcumaticaTokenCache(ctx, settings, secrets));
};

/**
 * Signs in, checks that the instance offers the pinned endpoint version (listing the ones it
 * does), and reads one customer. Uses a fresh token; nothing is cached or stored.
 */
export const testAcumaticaConnection = async (ctx: TestConnectionContext): Promise<TestStep[]> => {
  const steps: TestStep[] = [];
  const input = parseTestInput(ctx, { settings: acumaticaSettingsSchema, secrets: acumaticaSecretsSchema });
  if (!input.ok) return input.steps;
  const { settings, secrets } = input;

  let token: string;
  try {
    const t = await fetchAcumaticaToken({ instanceUrl: ctx.baseUrl, secrets, settings, onExchange: ctx.onExchange, retry: { maxAttempts: 2 } });
    token = t.accessToken;
    steps.push({ step: "auth", ok: true, message: `Signed in as ${secrets.username}${t.refreshToken ? " (with a refresh token)" : ""}.` });
  } catch (err) {
    steps.push({ step: "auth", ok: false, message: describeFailure(err, "The Acumatica sign-in service (/identity/connect/token)", ctx.baseUrl) });
    return steps;
  }

  const http = new PlainHttpClient({ vendor: acumaticaConfig.id, baseUrl: ctx.baseUrl, onExchange: ctx.onExchange, retry: { maxAttempts: 2 } });
  const headers = { authorization: `Bearer ${token}` };
  const wanted = `${settings.endpointName}/${settings.endpointVersion}`;
  try {
    const list = await http.request({ method: "GET", path: "entity", headers, outputSchema: acumaticaEndpointsSchema });
    const offered = list.endpoints.filter((e) => e.name.toLowerCase() === settings.endpointName.toLowerCase()).map((e) => e.version);
    if (!offered.includes(settings.endpointVersion)) {
      steps.push({
        step: "version",
        ok: false,
        message: `This instance does not offer endpoint ${wanted}. It offers ${settings.endpointName} ${offered.length ? offered.join(", ") : "(none)"}; pick one of those.`,
      });
      return steps;
    }
    const build = list.version?.acumaticaBuildVersion;
    steps.push({ step: "version", ok: true, message: `Endpoint ${wanted} is available${build ? ` (Acumatica build ${build})` : ""}.` });
  } catch (err) {
    steps.push({ step: "version", ok: false, message: describeFailure(err, "The endpoint list (/entity)", ctx.baseUrl) });
  }

  try {
    const rows = await http.request({
      method: "GET",
      path: joinUrl(`entity/${settings.endpointName}/${settings.endpointVersion}`, "Customer"),
      query: { $top: 1, $select: "CustomerID,CustomerName" },
      headers,
      outputSchema: wrapped(z.array(acumaticaCustomerSchema.partial({ id: true }))),
    });
    const first = rows[0];
    steps.push({
      step: "read",
      ok: true,
      message: first ? `Read customer ${first.CustomerID}${first.CustomerName ? ` (${first.CustomerName})` : ""}.` : "Read customers: none exist yet.",
    });
  } catch (err) {
    const message =
      err instanceof VendorHttpError && err.status === 404
        ? `Endpoint ${wanted} was not found on this instance (404). Check the endpoint version.`
        : describeFailure(err, "Reading customers", ctx.baseUrl);
    steps.push({ step: "read", ok: false, message });
  }
  return steps;
};

/**
 * Field errors name the entity's fields (values.ts describeFieldError): "Details[2].Account" is the
 * second line (1-based, as collectFieldErrors numbers them) of an AR document, "TaxDetails[1].TaxID"
 * a tax row, "DocumentsToApply[1].ReferenceNbr" a payment's application.
 */
const acumaticaErrorPaths: VendorErrorPaths = {
  lines: [
    { pattern: /^Details\[(\d+)\]\.(\w+)$/, linesField: "lines", indexBase: 1, fields: { Account: "account", Subaccount: "subaccount", Branch: "branch", InventoryID: "inventoryId", TaxCategory: "taxCategory" } },
    { pattern: /^TaxDetails\[(\d+)\]\.(\w+)$/, linesField: "taxDetails", indexBase: 1, fields: { TaxID: "taxId" } },
    { pattern: /^(?:DocumentsToApply|ApplicationsCreditMemo)\[(\d+)\]\.(\w+)$/, linesField: "applyTo", indexBase: 1, fields: { ReferenceNbr: "referenceNbr", DocType: "docType" } },
  ],
  fields: { Customer: "customerId", CustomerID: "customerId", CashAccount: "cashAccount", PaymentMethod: "paymentMethod", TaxZone: "taxZone", CustomerClass: "customerClass" },
};

export const acumatica = {
  id: "acumatica",
  label: acumaticaConfig.label,
  config: acumaticaConfig,
  settingsSchema: acumaticaSettingsSchema,
  secretsSchema: acumaticaSecretsSchema,
  form: acumaticaForm,
  /** endpoint versions the instance offers (`GET /entity`), newest first */
  fieldOptions: async ({ field, ctx }) => {
    if (field !== "endpointVersion") return null;
    const versions = await listAcumaticaEndpointVersions({ baseUrl: ctx.baseUrl, settings: ctx.settings, secrets: ctx.secrets });
    return versions?.map((v) => ({ value: v, label: v })) ?? null;
  },
  createClient: createAcumaticaClient,
  testConnection: testAcumaticaConnection,
  /** push notifications (webhooks.ts): a change makes flows reading from Acumatica fetch the record sooner */
  webhooks: { verify: verifyAcumaticaPush },
  errorPaths: acumaticaErrorPaths,
  documentLink: buildAcumaticaDocumentLink,
} satisfies Connector<AcumaticaClient>;
