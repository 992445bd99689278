// QAD Adaptive ERP (QAD Enterprise Platform / QAD Cloud) REST. Auth: OAuth 2.0 password grant at
// `{tenant}/oauth/token` (form fields), then refresh_token grant; tokens cached in Postgres and shared,
// refreshed once on 401. Every call names the workspace (`x-qad-workspace-id: <domain>_<entity>`).
// Reads are browses with `page`/`pageSize`/`pageAction=first` and `filter=<field>,<op>,<value>`;
// writes are business-entity POSTs whose refusals come back as `submitResult.success:false`. No
// idempotency key: each document is looked up by its reference (the Zuora number) before it is created.
import { z } from "zod";
import { PlainHttpClient, VendorHttpError } from "../../http";
import { describeFailure } from "../describe-failure";
import type { ConnectionContext, Connector, TestConnectionContext, TestStep } from "../types";
import { createQadTokenCache, fetchQadToken } from "./auth";
import { describeQadError, QadClient } from "./client";
import { qadConfig } from "./config";
import { qadForm } from "./form";
import { browseRow, qadBrowsePageSchema, qadCustomerSchema, qadGlPeriodSchema, qadSecretsSchema, qadSettingsSchema } from "./schemas";
import { parseTestInput } from "../common/parse-test-input";

export { QadClient, isPeriodClosedRefusal, qadRefusalsOf, type QadAdjustmentInput, type QadInvoiceInput, type QadPostingLine, type QadReceiptInput, type QadRefusal } from "./client";
export { listQadCustomerRows, listQadCustomers, listQadGlAccounts, listQadOpenPeriods } from "./catalog";
export { qadConfig } from "./config";
export { qadForm } from "./form";
export { createQadTarget } from "./target";
export * from "./schemas";

/** A QAD client for one connection (settings and secrets are parsed here). */
export const createQadClient = (ctx: ConnectionContext): QadClient => {
  const settings = qadSettingsSchema.parse(ctx.settings ?? {});
  const secrets = qadSecretsSchema.parse(ctx.secrets);
  return new QadClient(ctx, settings, createQadTokenCache(ctx, secrets));
};

/** A test-only client: fixed token and workspace, QAD's errors described, no shared limits. */
class QadProbe extends PlainHttpClient {
  constructor(
    ctx: TestConnectionContext,
    private readonly workspaceId: string,
  ) {
    super({ vendor: qadConfig.id, baseUrl: ctx.baseUrl, onExchange: ctx.onExchange, retry: { maxAttempts: 2 } });
  }
  protected override describeError({ status, body }: { status: number; body: unknown }) {
    return describeQadError({ status, body, workspaceId: this.workspaceId });
  }
}

/**
 * Signs in (password grant), checks the workspace by reading its GL calendar (a domain or entity
 * the user may not use answers 403), and reads one customer. Uses a fresh token; nothing is stored.
 */
export const testQadConnection = async (ctx: TestConnectionContext): Promise<TestStep[]> => {
  const input = parseTestInput(ctx, { settings: qadSettingsSchema, secrets: qadSecretsSchema });
  if (!input.ok) return input.steps;
  const { settings, secrets } = input;
  const workspaceId = `${settings.domainCode}_${settings.entityCode}`;
  const steps: TestStep[] = [];

  let token: string;
  try {
    token = (await fetchQadToken({ baseUrl: ctx.baseUrl, secrets, onExchange: ctx.onExchange, retry: { maxAttempts: 2 } })).accessToken;
    steps.push({ step: "auth", ok: true, message: `Signed in as ${secrets.username}.` });
  } catch (err) {
    steps.push({ step: "auth", ok: false, message: describeFailure(err, `The QAD sign-in service (/${qadConfig.auth.tokenPath})`, ctx.baseUrl) });
    return steps;
  }

  const http = new QadProbe(ctx, workspaceId);
  const headers = { authorization: `Bearer ${token}`, [qadConfig.workspaceHeader]: workspaceId };
  const browse = <S extends z.ZodType>(entity: "glPeriod" | "customer", schema: S, pageSize: number) =>
    http
      .request({
        method: "GET",
        path: qadConfig.browsePath,
        query: { browseId: qadConfig.entities[entity].browseId, page: 1, pageSize, pageAction: "first" },
        headers,
        outputSchema: qadBrowsePageSchema,
      })
      .then((page) => z.array(browseRow(qadConfig.entities[entity].prefix, schema)).parse(page.data));

  try {
    const periods = await browse("glPeriod", qadGlPeriodSchema, 500);
    const open = periods.filter((p) => p.periodStatus.toUpperCase() === "OPEN");
    steps.push({
      step: "version",
      ok: true,
      message: `Workspace ${workspaceId} is available: ${open.length} of ${periods.length} GL periods open${open[0] ? ` (from ${open[0].periodYear}/${String(open[0].periodPeriod).padStart(2, "0")})` : ""}.`,
    });
  } catch (err) {
    const message =
      err instanceof VendorHttpError && err.status === 401
        ? `QAD refused the access token it had just issued (401). Check that the tenant URL is the one the token is for.`
        : describeFailure(err, `Reading workspace ${workspaceId}`, ctx.baseUrl);
    steps.push({ step: "version", ok: false, message });
    return steps;
  }

  try {
    const [first] = await browse("customer", qadCustomerSchema, 1);
    steps.push({ step: "read", ok: true, message: first ? `Read customer ${first.customerCode}${first.businessRelationName ? ` (${first.businessRelationName})` : ""}.` : "Read customers: none exist yet." });
  } catch (err) {
    steps.push({ step: "read", ok: false, message: describeFailure(err, "Reading customers", ctx.baseUrl) });
  }
  return steps;
};

export const qad = {
  id: "qad",
  label: qadConfig.label,
  config: qadConfig,
  settingsSchema: qadSettingsSchema,
  secretsSchema: qadSecretsSchema,
  form: qadForm,
  createClient: createQadClient,
  testConnection: testQadConnection,
} satisfies Connector<QadClient>;
