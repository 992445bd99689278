import { declaredFieldValues, readFieldValue } from "../connections/form-values";
import { findConnector } from "../connectors/registry";
import { decryptJson } from "../crypto";
import type { Db } from "../db";
import { AppError } from "../errors";
import { getFlowKind } from "../flows/registry";
import type { CalloutSetup, FlowView } from "./views";

/** A connector's settings and secrets named with this prefix ("callout.algorithm", "calloutHmacSecret") are those of its callout template. */
const CALLOUT_PREFIX = "callout";

const storedSecretNames = (row: { id: string; credentials: string }): string[] => {
  try {
    const secrets = decryptJson(row.credentials, { context: row.id });
    return secrets && typeof secrets === "object" ? Object.entries(secrets).filter(([, v]) => typeof v === "string" && v.length > 0).map(([k]) => k) : [];
  } catch {
    return [];
  }
};

/** What the source system's callout template needs, when its connector receives callouts. */
const calloutSetupOf = (source: { id: string; vendor: string; settings: unknown; credentials: string }, appUrl: string): CalloutSetup | null => {
  const vendor = source.vendor;
  const connector = findConnector(vendor);
  if (!connector?.receivesCallouts) return null;
  const parsed = connector.settingsSchema.safeParse(source.settings ?? {});
  const settings = parsed.success ? parsed.data : source.settings;
  const isCallout = (name: string) => name.startsWith(CALLOUT_PREFIX);
  const set = storedSecretNames(source);
  const signing = connector.form.secrets.filter((f) => isCallout(f.name));
  return {
    url: `${appUrl.replace(/\/+$/, "")}/api/webhooks/${vendor}/${source.id}`,
    systemLabel: connector.label,
    options: connector.form.settings.filter((f) => isCallout(f.name)).map((f) => ({ label: f.label, value: String(readFieldValue(settings, f.name) ?? f.defaultValue ?? "") })),
    isSecretSet: signing.length > 0 && signing.every((f) => set.includes(f.name)),
  };
};

/**
 * One flow with its kind's labels, its declared settings and, when the source system sends
 * callouts, what the admin enters there. `appUrl` is the public URL of this app (NEXTAUTH_URL), so
 * the callout URL is one the vendor can reach.
 */
export const getFlow = async ({ db, flowId, appUrl }: { db: Db; flowId: string; appUrl: string }): Promise<FlowView> => {
  const flow = await db.flow.findUnique({
    where: { id: flowId },
    include: { source: { select: { id: true, name: true, vendor: true, settings: true, credentials: true } }, target: { select: { id: true, name: true } } },
  });
  if (!flow) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
  const definition = getFlowKind(flow.kind);
  const parsed = definition.settings.schema.safeParse(flow.settings ?? {});
  return {
    id: flow.id,
    kind: flow.kind,
    kindLabel: definition.label,
    kindDescription: definition.description,
    name: flow.name,
    enabled: flow.enabled,
    schedule: flow.schedule,
    backfillFrom: flow.backfillFrom?.toISOString().slice(0, 10) ?? null,
    settings: declaredFieldValues(definition.settings.fields, parsed.success ? parsed.data : flow.settings),
    source: { id: flow.source.id, name: flow.source.name },
    target: flow.target,
    callout: calloutSetupOf(flow.source, appUrl),
    createdAt: flow.createdAt.toISOString(),
  };
};
