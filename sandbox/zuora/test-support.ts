import { startSandbox, type RunningSandbox } from "../index";

/* Helpers for the Zuora contract tests: real HTTP against a sandbox on a loopback port. */

/** POST /oauth/token with the sandbox's demo client, as Zuora documents it (form-encoded client credentials). */
export const requestToken = (sandbox: RunningSandbox): Promise<Response> => {
  const { clientId, clientSecret } = sandbox.credentials.zuora;
  return fetch(`${sandbox.zuoraBaseUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" }),
  });
};

export const getToken = async (sandbox: RunningSandbox): Promise<string> => {
  const response = await requestToken(sandbox);
  if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
};

export const zuoraGet = async (sandbox: RunningSandbox, token: string, path: string) => {
  const response = await fetch(`${sandbox.zuoraBaseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
};

export const zuoraPost = async (sandbox: RunningSandbox, token: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${sandbox.zuoraBaseUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
};

/** One USD account with a payment method, one EUR account without, and one charge. */
export const seedSmall = async (sandbox: RunningSandbox) => {
  const usd = await sandbox.control.zuora.addAccount({ name: "Acme Analytics Inc.", currency: "USD" });
  const eur = await sandbox.control.zuora.addAccount({ name: "Cedar Labs GmbH", currency: "EUR", taxRate: 19, hasPaymentMethod: false, country: "Germany" });
  const charge = await sandbox.control.zuora.addCharge({ productName: "Platform", chargeName: "Seats", prices: { USD: 50, EUR: 45 }, accountingCode: "40100" });
  return { usd, eur, charge };
};

/** The sandbox the contract tests read: 12 demo accounts and a bill run with every kind of document. */
export const startContractSandbox = async (): Promise<RunningSandbox> => {
  const sandbox = await startSandbox({ port: 0, demo: { accounts: 12 } });
  await sandbox.control.zuora.billRun({ invoices: 30, electronicPaymentRate: 0.4, externalPaymentRate: 0.4, creditMemoRate: 0.3, seed: 2 });
  return sandbox;
};

/** `GET /v1/payments/P-0000000n` for the first `count` payments (at most 8). */
export const firstPayments = async (sandbox: RunningSandbox, token: string) => {
  const stats = await sandbox.control.zuora.stats();
  const numbers = Array.from({ length: Math.min(stats.payments ?? 0, 8) }, (_, i) => `P-${String(i + 1).padStart(8, "0")}`);
  return Promise.all(numbers.map(async (number) => ({ number, ...(await zuoraGet(sandbox, token, `/v1/payments/${number}`)) })));
};

/** Pays the first open invoice in full with an External payment (POST /v1/payments). */
export const payFirstOpenInvoice = async (sandbox: RunningSandbox, token: string) => {
  const open = (await zuoraGet(sandbox, token, `/object-query/invoices?pageSize=1&filter[]=balance.GT:0`)).body.data as { id: string; accountId: string; balance: number; currency: string }[];
  const invoice = open[0];
  if (!invoice) throw new Error("no open invoice to pay");
  return zuoraPost(sandbox, token, "/v1/payments", {
    accountId: invoice.accountId,
    type: "External",
    amount: invoice.balance,
    currency: invoice.currency,
    invoices: [{ invoiceId: invoice.id, amount: invoice.balance }],
  });
};

export const zuoraPut = async (sandbox: RunningSandbox, token: string, path: string, body: unknown) => {
  const response = await fetch(`${sandbox.zuoraBaseUrl}${path}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
};
