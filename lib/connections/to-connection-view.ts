import { findConnector } from "../connectors/registry";
import { decryptJson } from "../crypto";
import type { Prisma } from "../db";
import { declaredFieldValues } from "./form-values";
import { connectionTestResultSchema, type ConnectionView } from "./views";

const connectionSelect = {
  id: true,
  vendor: true,
  name: true,
  baseUrl: true,
  settings: true,
  credentials: true,
  lastTestAt: true,
  lastTestResult: true,
  subscriptionExpiresAt: true,
  subscriptionRenewedAt: true,
  subscriptionError: true,
  updatedAt: true,
  sourceFlows: { select: { id: true, name: true } },
  targetFlows: { select: { id: true, name: true } },
} as const;

type FlowRef = { id: string; name: string };
type Row = {
  id: string;
  vendor: string;
  name: string;
  baseUrl: string;
  settings: Prisma.JsonValue;
  credentials: string;
  lastTestAt: Date | null;
  lastTestResult: Prisma.JsonValue | null;
  subscriptionExpiresAt: Date | null;
  subscriptionRenewedAt: Date | null;
  subscriptionError: string | null;
  updatedAt: Date;
  sourceFlows: FlowRef[];
  targetFlows: FlowRef[];
};

/**
 * The browser-safe view of a row: the settings its connector's form declares (no others: they may
 * be internal), and the envelope decrypted to learn which secrets are set and to show the
 * identifiers its form declares.
 */
export const toConnectionView = (row: Row): ConnectionView => {
  const vendor = row.vendor;
  const connector = findConnector(vendor);
  let secretsSet: string[] = [];
  const identifiers: Record<string, string> = {};
  try {
    const secrets = decryptJson(row.credentials, { context: row.id });
    if (secrets && typeof secrets === "object") {
      const stored = Object.entries(secrets).filter((e): e is [string, string] => typeof e[1] === "string" && e[1].length > 0);
      secretsSet = stored.map(([k]) => k);
      // only what the connector declares an identifier; every other credential stays write-only
      const shown = new Set(connector?.form.secrets.filter((f) => f.type === "text").map((f) => f.name) ?? []);
      for (const [k, v] of stored) if (shown.has(k)) identifiers[k] = v;
    }
  } catch {
    secretsSet = [];
  }
  const lastTest = connectionTestResultSchema.safeParse(row.lastTestResult);
  const usedBy = [...row.sourceFlows, ...row.targetFlows].filter((f, i, all) => all.findIndex((g) => g.id === f.id) === i);
  return {
    id: row.id,
    vendor,
    vendorLabel: connector?.label ?? vendor,
    name: row.name,
    baseUrl: row.baseUrl,
    settings: connector ? declaredFieldValues(connector.form.settings, row.settings) : {},
    secretsSet,
    identifiers,
    lastTestAt: row.lastTestAt?.toISOString() ?? null,
    lastTestResult: lastTest.success ? lastTest.data : null,
    usedBy,
    // only connectors whose vendor subscriptions expire have one (webhooks.renewSubscriptions)
    subscription: connector?.webhooks?.renewSubscriptions
      ? { expiresAt: row.subscriptionExpiresAt?.toISOString() ?? null, renewedAt: row.subscriptionRenewedAt?.toISOString() ?? null, error: row.subscriptionError }
      : null,
    updatedAt: row.updatedAt.toISOString(),
  };
};

export { connectionSelect };
