import { Prisma, type Db } from "../db";
import { encryptJson } from "../crypto";
import { AppError } from "../errors";
import { TokenCache } from "../http";
import { checkTenantUrl } from "./check-tenant-url";
import { createConnection } from "./create-connection";
import type { ParsedConnectionForm } from "./form-schemas";
import { getConnection } from "./get-connection";
import { resolveConnectionDraft } from "./resolve-connection-draft";
import type { ConnectionView } from "./views";

const isUniqueViolation = (err: unknown) => typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";

/**
 * Creates or updates a connection from the form. Blank secret fields keep the stored secrets;
 * changed credentials, URL or tenant drop the cached vendor token and the last test result (it
 * tested something else). Returns the browser-safe view.
 */
export const saveConnection = async ({ db, form }: { db: Db; form: ParsedConnectionForm }): Promise<ConnectionView> => {
  await checkTenantUrl(form.baseUrl);
  const draft = await resolveConnectionDraft({ db, form });
  try {
    if (!draft.existing) {
      const created = await createConnection({ db, input: { vendor: draft.vendor, name: draft.name, baseUrl: draft.baseUrl, settings: draft.settings, secrets: draft.secrets } });
      return getConnection({ db, connectionId: created.id });
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
    return getConnection({ db, connectionId: id });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", { userMessage: `A connection named "${draft.name}" already exists.` });
    throw err;
  }
};
