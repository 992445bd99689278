// IFS Cloud over OData v4 projections. Auth: IFS IAM (Keycloak) client credentials on the tenant host,
// 180 s tokens cached in Postgres and shared, one refresh on 401. URLs:
// `<host>/int/ifsapplications/projection/v1/<Projection>.svc/<EntitySet>`; projection and entity-set
// names are connection settings (each tenant's are read in its API Explorer). Entities carry weak
// ETags; writes to existing ones read first and send If-Match. No idempotency key: a voucher is
// looked up by its rows' ReferenceNumber before one is created. Paging: server pages with
// `@odata.nextLink`; no page asks for more than the connection's result-size limit.
import { z } from "zod";
import { PlainHttpClient, VendorHttpError, joinUrl } from "../../http";
import { describeFailure } from "../describe-failure";
import type { ConnectionContext, Connector, TestConnectionContext, TestStep } from "../types";
import { createIfsTokenCache, fetchIfsToken } from "./auth";
import { IfsCloudClient } from "./client";
import { ifsCloudConfig } from "./config";
import { ifsCloudForm } from "./form";
import { collectionOf, ifsCloudSecretsSchema, ifsCloudSettingsSchema, ifsCompanySchema, ifsErrorBodySchema } from "./schemas";
import { parseTestInput } from "../common/parse-test-input";

export { IfsCloudClient } from "./client";
export { listIfsAccounts, listIfsCompanies, listIfsCostCenters } from "./catalog";
export { ifsCloudConfig } from "./config";
export { ifsCloudForm } from "./form";
export * from "./schemas";

/** An IFS Cloud client for one connection (settings and secrets are parsed here). */
export const createIfsCloudClient = (ctx: ConnectionContext): IfsCloudClient => {
  const settings = ifsCloudSettingsSchema.parse(ctx.settings ?? {});
  const secrets = ifsCloudSecretsSchema.parse(ctx.secrets);
  return new IfsCloudClient(ctx, settings, createIfsTokenCache(ctx, settings, secrets));
};

const serviceDocumentSchema = z.object({ value: z.array(z.object({ name: z.string(), url: z.string().optional() })) });

/** IFS's error code of a failed call (`MI_METADATA_NOTFOUND` …), from the body kept in the error. */
const ifsCodeOf = (err: VendorHttpError) => {
  try {
    return ifsErrorBodySchema.parse(JSON.parse(err.bodySnippet)).error.code ?? null;
  } catch {
    return null;
  }
};

/**
 * Signs in at IFS IAM, checks that the voucher projection exists, is granted and serves the
 * configured entity sets, and reads the companies. Uses a fresh token; nothing is cached or stored.
 */
export const testIfsCloudConnection = async (ctx: TestConnectionContext): Promise<TestStep[]> => {
  const steps: TestStep[] = [];
  const input = parseTestInput(ctx, { settings: ifsCloudSettingsSchema, secrets: ifsCloudSecretsSchema });
  if (!input.ok) return input.steps;
  const { settings, secrets } = input;

  let token: string;
  try {
    token = (await fetchIfsToken({ baseUrl: ctx.baseUrl, settings, secrets, onExchange: ctx.onExchange, retry: { maxAttempts: 2 } })).accessToken;
    steps.push({ step: "auth", ok: true, message: `Signed in to realm ${settings.realm} as IAM client ${secrets.clientId}.` });
  } catch (err) {
    steps.push({ step: "auth", ok: false, message: describeFailure(err, `The IFS IAM token endpoint (realm ${settings.realm})`, ctx.baseUrl) });
    return steps;
  }

  const http = new PlainHttpClient({ vendor: ifsCloudConfig.id, baseUrl: joinUrl(ctx.baseUrl, ifsCloudConfig.projectionsPath(settings.apiPath)), onExchange: ctx.onExchange, retry: { maxAttempts: 2 } });
  const headers = { authorization: `Bearer ${token}` };
  const projection = settings.voucherProjection;
  try {
    const doc = await http.request({ method: "GET", path: `${projection}.svc/`, headers, outputSchema: serviceDocumentSchema });
    const offered = doc.value.map((s) => s.name);
    const absent = [settings.voucherSet, settings.voucherRowSet].filter((s) => !offered.includes(s));
    if (absent.length > 0) {
      steps.push({ step: "version", ok: false, message: `Projection ${projection} has no entity set ${absent.join(" or ")}. It offers ${offered.join(", ") || "none"}; correct the entity-set names.` });
      return steps;
    }
    steps.push({ step: "version", ok: true, message: `Projection ${projection} serves ${settings.voucherSet} and ${settings.voucherRowSet}.` });
  } catch (err) {
    const message =
      err instanceof VendorHttpError && err.status === 404
        ? `IFS has no projection ${projection} (${ifsCodeOf(err) ?? "404"}). Check the voucher projection's name in the tenant's API Explorer.`
        : err instanceof VendorHttpError && err.status === 403
          ? `The IAM client's service user is not granted projection ${projection} (403 Insufficient privileges). Grant it in the user's permission sets.`
          : describeFailure(err, `Projection ${projection}`, ctx.baseUrl);
    steps.push({ step: "version", ok: false, message });
    return steps;
  }

  try {
    const page = await http.request({
      method: "GET",
      path: `${settings.companyProjection}.svc/${settings.companySet}`,
      query: { $select: "Company,Name,CurrencyCode", $top: 5 },
      headers,
      outputSchema: collectionOf(ifsCompanySchema),
    });
    steps.push({
      step: "read",
      ok: true,
      message: page.value.length ? `Read companies ${page.value.map((c) => `${c.Company}${c.CurrencyCode ? ` (${c.CurrencyCode})` : ""}`).join(", ")}.` : "Read companies: the service user sees none.",
    });
  } catch (err) {
    const message =
      err instanceof VendorHttpError && err.status === 404
        ? `IFS has no projection ${settings.companyProjection} with entity set ${settings.companySet} (${ifsCodeOf(err) ?? "404"}). Check the company names.`
        : describeFailure(err, "Reading companies", ctx.baseUrl);
    steps.push({ step: "read", ok: false, message });
  }
  return steps;
};

export const ifsCloud = {
  id: "ifs-cloud",
  label: ifsCloudConfig.label,
  config: ifsCloudConfig,
  settingsSchema: ifsCloudSettingsSchema,
  secretsSchema: ifsCloudSecretsSchema,
  form: ifsCloudForm,
  createClient: createIfsCloudClient,
  testConnection: testIfsCloudConnection,
} satisfies Connector<IfsCloudClient>;
