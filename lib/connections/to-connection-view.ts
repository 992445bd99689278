import type { Prisma } from "../db";
import { decryptJson } from "../crypto";
import { fromDbVendor } from "./schemas";
import { connectionTestResultSchema, type ConnectionView } from "./views";

const FORM_SETTINGS = { zuora: ["entityId", "callout"], acumatica: ["endpointVersion", "endpointName", "tenant", "branch"] } as Record<string, string[]>;

const connectionSelect = {
  id: true,
  vendor: true,
  name: true,
  baseUrl: true,
  settings: true,
  credentials: true,
  lastTestAt: true,
  lastTestResult: true,
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
  updatedAt: Date;
  sourceFlows: FlowRef[];
  targetFlows: FlowRef[];
};

/** The browser-safe view of a row: the envelope is decrypted only to learn which secrets are set. */
export const toConnectionView = (row: Row): ConnectionView => {
  const vendor = fromDbVendor(row.vendor);
  let secretsSet: string[] = [];
  try {
    const secrets = decryptJson(row.credentials, { context: row.id });
    if (secrets && typeof secrets === "object") secretsSet = Object.entries(secrets).filter(([, v]) => typeof v === "string" && v.length > 0).map(([k]) => k);
  } catch {
    secretsSet = [];
  }
  const settings = (row.settings && typeof row.settings === "object" && !Array.isArray(row.settings) ? row.settings : {}) as Record<string, unknown>;
  const allowed = FORM_SETTINGS[vendor] ?? [];
  const lastTest = connectionTestResultSchema.safeParse(row.lastTestResult);
  const usedBy = [...row.sourceFlows, ...row.targetFlows].filter((f, i, all) => all.findIndex((g) => g.id === f.id) === i);
  return {
    id: row.id,
    vendor,
    name: row.name,
    baseUrl: row.baseUrl,
    settings: Object.fromEntries(Object.entries(settings).filter(([k]) => allowed.includes(k))),
    secretsSet,
    lastTestAt: row.lastTestAt?.toISOString() ?? null,
    lastTestResult: lastTest.success ? lastTest.data : null,
    usedBy,
    updatedAt: row.updatedAt.toISOString(),
  };
};

export { connectionSelect };
