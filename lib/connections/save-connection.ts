import type { ConfigActor } from "../audit/config-change-schemas";
import { recordConfigChange } from "../audit/record-config-change";
import { Prisma, type Db } from "../db";
import { encryptJson } from "../crypto";
import { AppError } from "../errors";
import { TokenCache } from "../http";
import { checkTenantUrl } from "./check-tenant-url";
import { createConnection } from "./create-connection";
import type { ParsedConnectionForm } from "./form-schemas";
import { getConnection } from "./get-connection";
import { resolveConnectionDraft } from "./resolve-connection-draft";
import { testConnection } from "./test-connection";
import type { ConnectionView } from "./views";

const isUniqueViolation = (err: unknown) => typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";

/**
 * Creates or updates a connection from the form. Blank secret fields keep the stored secrets;
 * changed credentials, URL or tenant drop the cached vendor token. A change of anything but the name
 * drops the last test result (it tested something else); with `testAfterSave` (the admin form) the
 * saved connection is tested at once instead, so its status says whether what was saved works.
 * Returns the browser-safe view.
 */
export const saveConnection = async ({
  db,
  form,
  actor,
  testAfterSave = false,
}: {
  db: Db;
  form: ParsedConnectionForm;
  actor?: ConfigActor;
  testAfterSave?: boolean;
}): Promise<ConnectionView> => {
  await checkTenantUrl(form.baseUrl);
  const draft = await resolveConnectionDraft({ db, form });
  // The save stands whatever the test finds: a failed test is stored on the connection, and only a
  // test that could not run at all (the connector gone) leaves it untested.
  const testSaved = async (connectionId: string) => {
    if (testAfterSave) await testConnection({ db, connectionId }).catch(() => undefined);
    return getConnection({ db, connectionId });
  };
  try {
    if (!draft.existing) {
      const created = await db.$transaction(async (tx) => {
        const row = await createConnection({ db, tx, input: { vendor: draft.vendor, name: draft.name, baseUrl: draft.baseUrl, settings: draft.settings, secrets: draft.secrets } });
        const after = { vendor: draft.vendor, name: draft.name, baseUrl: draft.baseUrl, settings: draft.settings };
        await recordConfigChange(tx, { actor, entity: "connection", entityId: row.id, label: draft.name, action: "created", after, changedSecrets: Object.keys(draft.secrets).map((k) => `secrets.${k}`) });
        return row;
      });
      return testSaved(created.id);
    }
    const id = draft.existing.id;
    const storedSecrets = draft.existing.secrets;
    // only the names of secrets that changed reach the change log, never their values
    const changedSecrets = [...new Set([...Object.keys(storedSecrets), ...Object.keys(draft.secrets)])].filter((k) => storedSecrets[k] !== draft.secrets[k]).map((k) => `secrets.${k}`);
    await db.$transaction(async (tx) => {
      const before = await tx.connection.findUnique({ where: { id }, select: { name: true, baseUrl: true, settings: true } });
      await tx.connection.update({
        where: { id },
        data: {
          name: draft.name,
          baseUrl: draft.baseUrl,
          settings: draft.settings as Prisma.InputJsonValue,
          credentials: encryptJson(draft.secrets, { context: id }),
          ...(draft.isChanged ? { lastTestAt: null, lastTestResult: Prisma.DbNull } : {}),
        },
      });
      const after = { name: draft.name, baseUrl: draft.baseUrl, settings: draft.settings };
      await recordConfigChange(tx, { actor, entity: "connection", entityId: id, label: draft.name, action: "updated", before: before as Record<string, unknown> | null, after, changedSecrets });
    });
    if (draft.isAuthChanged) await TokenCache.forget(db, id);
    return draft.isChanged ? testSaved(id) : getConnection({ db, connectionId: id });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", { userMessage: `A connection named "${draft.name}" already exists.` });
    throw err;
  }
};
