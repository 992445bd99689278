import { findConnector } from "../connectors/registry";
import type { FieldOption } from "../connectors/types";
import { decryptJson } from "../crypto";
import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { checkTenantUrl } from "./check-tenant-url";
import type { ParsedConnectionForm } from "./form-schemas";
import { resolveConnectionDraft } from "./resolve-connection-draft";
import type { ConnectionTestResult } from "./views";

export type TestConnectionOutcome = ConnectionTestResult & {
  testedAt: string;
  /** true when the result was stored on the connection (it tested exactly what is saved) */
  isStored: boolean;
};

/**
 * "Test connection": runs the vendor connector's steps (sign in, version, one small read) against
 * either a saved connection (`connectionId`) or the form as it stands (`form`, blank secrets taken
 * from the saved connection while its URL and guarding settings are unchanged). Once signed in, it
 * also reads the choices of the form's selects that come from the vendor (connector.fieldOptions).
 * The result is stored as lastTestAt/lastTestResult only when it tested what is saved. Messages come
 * from the connectors, written for an admin; no secret is in them.
 */
export const testConnection = async ({ db, connectionId, form, now = () => new Date() }: { db: Db; connectionId?: string; form?: ParsedConnectionForm; now?: () => Date }): Promise<TestConnectionOutcome> => {
  let target: { id: string | null; vendor: string; baseUrl: string; settings: unknown; secrets: unknown; isSaved: boolean };
  if (form) {
    const draft = await resolveConnectionDraft({ db, form });
    target = { id: draft.existing?.id ?? null, vendor: draft.vendor, baseUrl: draft.baseUrl, settings: draft.settings, secrets: draft.secrets, isSaved: !draft.isChanged };
  } else if (connectionId) {
    const row = await db.connection.findUnique({ where: { id: connectionId } });
    if (!row) throw new AppError("NOT_FOUND", { userMessage: "This connection does not exist (any more)." });
    target = { id: row.id, vendor: row.vendor, baseUrl: row.baseUrl, settings: row.settings, secrets: decryptJson(row.credentials, { context: row.id }), isSaved: true };
  } else {
    throw new AppError("INVALID_INPUT", { userMessage: "Nothing to test." });
  }
  const connector = findConnector(target.vendor);
  if (!connector) throw new AppError("UNKNOWN_VENDOR", { userMessage: `Connections to ${target.vendor} cannot be tested: this build has no connector for it.` });
  await checkTenantUrl(target.baseUrl);

  const ctx = { baseUrl: target.baseUrl, settings: target.settings, secrets: target.secrets };
  const steps = await connector.testConnection(ctx);
  const isSignedIn = steps.some((s) => s.step === "auth" && s.ok);
  const fieldOptions: Record<string, FieldOption[]> = {};
  if (isSignedIn && connector.fieldOptions) {
    for (const field of connector.form.settings.filter((f) => f.type === "select")) {
      const options = await connector.fieldOptions({ field: field.name, ctx }).catch(() => null);
      if (options?.length) fieldOptions[field.name] = options;
    }
  }
  const result: ConnectionTestResult = { ok: steps.length > 0 && steps.every((s) => s.ok), steps, ...(Object.keys(fieldOptions).length ? { fieldOptions } : {}) };
  const testedAt = now();
  const isStored = target.isSaved && target.id !== null;
  if (isStored) {
    await db.connection.update({ where: { id: target.id! }, data: { lastTestAt: testedAt, lastTestResult: result as Prisma.InputJsonValue } });
  }
  return { ...result, testedAt: testedAt.toISOString(), isStored };
};
