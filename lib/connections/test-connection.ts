import { getConnector } from "../connectors/registry";
import { decryptJson } from "../crypto";
import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { checkTenantUrl } from "./check-tenant-url";
import type { ParsedConnectionForm } from "./form-schemas";
import { listAcumaticaEndpointVersions } from "../connectors/acumatica/list-endpoint-versions";
import { resolveConnectionDraft } from "./resolve-connection-draft";
import { fromDbVendor } from "./schemas";
import type { ConnectionTestResult } from "./views";

export type TestConnectionOutcome = ConnectionTestResult & {
  testedAt: string;
  /** true when the result was stored on the connection (it tested exactly what is saved) */
  isStored: boolean;
};

/**
 * "Test connection": runs the vendor connector's steps (sign in, endpoint version, one small read)
 * against either a saved connection (`connectionId`) or the form as it stands (`form`, blank
 * secrets taken from the saved connection). For Acumatica it also lists the endpoint versions the
 * instance offers. The result is stored as lastTestAt/lastTestResult only when it tested what is
 * saved. Messages come from the connectors, written for an admin; no secret is in them.
 */
export const testConnection = async ({ db, connectionId, form, now = () => new Date() }: { db: Db; connectionId?: string; form?: ParsedConnectionForm; now?: () => Date }): Promise<TestConnectionOutcome> => {
  let target: { id: string | null; vendor: ParsedConnectionForm["vendor"]; baseUrl: string; settings: unknown; secrets: unknown; isSaved: boolean };
  if (form) {
    const draft = await resolveConnectionDraft({ db, form });
    target = { id: draft.existing?.id ?? null, vendor: draft.vendor, baseUrl: draft.baseUrl, settings: draft.settings, secrets: draft.secrets, isSaved: !draft.isChanged };
  } else if (connectionId) {
    const row = await db.connection.findUnique({ where: { id: connectionId } });
    if (!row) throw new AppError("NOT_FOUND", { userMessage: "This connection does not exist (any more)." });
    const vendor = fromDbVendor(row.vendor);
    if (vendor !== "zuora" && vendor !== "acumatica") throw new AppError("UNKNOWN_VENDOR", { userMessage: `Connections to ${vendor} cannot be tested yet.` });
    target = { id: row.id, vendor, baseUrl: row.baseUrl, settings: row.settings, secrets: decryptJson(row.credentials, { context: row.id }), isSaved: true };
  } else {
    throw new AppError("INVALID_INPUT", { userMessage: "Nothing to test." });
  }
  await checkTenantUrl(target.baseUrl);

  const steps = await getConnector(target.vendor).testConnection({ baseUrl: target.baseUrl, settings: target.settings, secrets: target.secrets });
  const isSignedIn = steps.some((s) => s.step === "auth" && s.ok);
  const offeredVersions =
    target.vendor === "acumatica" && isSignedIn ? ((await listAcumaticaEndpointVersions({ baseUrl: target.baseUrl, settings: target.settings, secrets: target.secrets })) ?? undefined) : undefined;
  const result: ConnectionTestResult = { ok: steps.length > 0 && steps.every((s) => s.ok), steps, ...(offeredVersions ? { offeredVersions } : {}) };
  const testedAt = now();
  const isStored = target.isSaved && target.id !== null;
  if (isStored) {
    await db.connection.update({ where: { id: target.id! }, data: { lastTestAt: testedAt, lastTestResult: result as Prisma.InputJsonValue } });
  }
  return { ...result, testedAt: testedAt.toISOString(), isStored };
};
