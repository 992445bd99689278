import type { RunningSandbox } from "../index";

/* Helpers for the Zuora contract tests: real HTTP against a sandbox on a loopback port. */

export const getToken = async (sandbox: RunningSandbox): Promise<string> => {
  const { clientId, clientSecret } = sandbox.credentials.zuora;
  const response = await fetch(`${sandbox.zuoraBaseUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" }),
  });
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
