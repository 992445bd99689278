import { zuoraSettingsSchema } from "../connectors/zuora/schemas";
import { decryptJson } from "../crypto";
import type { Db } from "../db";
import { AppError } from "../errors";
import { zuoraAcumaticaSettingsSchema } from "../flows/zuora-acumatica/mapping";
import type { FlowView } from "./views";

const hasHmacSecret = (row: { id: string; credentials: string }) => {
  try {
    const secrets = decryptJson(row.credentials, { context: row.id }) as { calloutHmacSecret?: unknown } | null;
    return typeof secrets?.calloutHmacSecret === "string" && secrets.calloutHmacSecret.length > 0;
  } catch {
    return false;
  }
};

/**
 * One flow with what the admin enters in Zuora for callouts. `appUrl` is the public URL of this
 * app (NEXTAUTH_URL), so the callout URL is one Zuora can reach.
 */
export const getFlow = async ({ db, flowId, appUrl }: { db: Db; flowId: string; appUrl: string }): Promise<FlowView> => {
  const flow = await db.flow.findUnique({
    where: { id: flowId },
    include: { source: { select: { id: true, name: true, settings: true, credentials: true } }, target: { select: { id: true, name: true } } },
  });
  if (!flow) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
  const zuoraSettings = zuoraSettingsSchema.safeParse(flow.source.settings ?? {});
  const callout = zuoraSettings.success ? zuoraSettings.data.callout : zuoraSettingsSchema.parse({}).callout;
  return {
    id: flow.id,
    kind: flow.kind,
    name: flow.name,
    enabled: flow.enabled,
    schedule: flow.schedule,
    backfillFrom: flow.backfillFrom?.toISOString().slice(0, 10) ?? null,
    settings: zuoraAcumaticaSettingsSchema.parse(flow.settings ?? {}),
    source: { id: flow.source.id, name: flow.source.name },
    target: flow.target,
    callout: {
      url: `${appUrl.replace(/\/+$/, "")}/api/webhooks/zuora/${flow.source.id}`,
      headerName: callout.headerName,
      algorithm: callout.algorithm,
      encoding: callout.encoding,
      signedData: callout.signedData,
      headerValue: callout.headerValue,
      isSecretSet: hasHmacSecret(flow.source),
    },
    createdAt: flow.createdAt.toISOString(),
  };
};
