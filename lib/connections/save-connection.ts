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
export const saveConnection = async ({ db, form, testAfterSave = false }: { db: Db; form: ParsedConnectionForm; testAfterSave?: boolean }): Promise<ConnectionView> => {
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
      const created = await createConnection({ db, input: { vendor: draft.vendor, name: draft.name, baseUrl: draft.baseUrl, settings: draft.settings, secrets: draft.secrets } });
      return testSaved(created.id);
    }
    const id = draft.existing.id;
    await db.connection.update({
      where: { id },
      data: {
        name: draft.name,
        baseUrl: draft.baseUrl,
        settings: draft.settings as Prisma.InputJsonValue,
        credentials: encryptJson(draft.secrets, { context: id }),
        ...(draft.isChanged ? { lastTestAt: null, lastTestResult: Prisma.DbNull } : {}),
      },
    });
    if (draft.isAuthChanged) await TokenCache.forget(db, id);
    return draft.isChanged ? testSaved(id) : getConnection({ db, connectionId: id });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", { userMessage: `A connection named "${draft.name}" already exists.` });
    throw err;
  }
};
