import type { Db } from "@/lib/db";
import { createUser } from "./create-user";
import { generatePassword } from "./generate-password";
import { lockUsers } from "./lock-users";

/** Used when the operator gives no ADMIN_EMAIL. */
export const DEFAULT_ADMIN_EMAIL = "admin@ml-connector.local";

export type EnsureFirstAdminResult =
  | { created: false }
  /** `password` is set only when it was generated here; print it once, it is not stored in clear. */
  | { created: true; email: string; password?: string };

/**
 * On a database with no user at all, creates an admin from `email`/`password`, or, when they
 * are not given, `admin@ml-connector.local` with a generated password. Any user existing means
 * nothing is done. Safe to call from several processes at once: a transaction-scoped advisory
 * lock lets exactly one of them see the empty table and create the admin.
 */
export const ensureFirstAdmin = async ({
  db,
  email,
  password,
}: {
  db: Db;
  email?: string;
  password?: string;
}): Promise<EnsureFirstAdminResult> => {
  if ((await db.user.count()) > 0) return { created: false };
  const generated = password ? undefined : generatePassword();
  return db.$transaction(async (tx) => {
    await lockUsers(tx);
    if ((await tx.user.count()) > 0) return { created: false } as const;
    const user = await createUser({
      db,
      tx,
      email: email ?? DEFAULT_ADMIN_EMAIL,
      password: password ?? generated!,
      role: "admin",
    });
    return generated ? { created: true, email: user.email, password: generated } : { created: true, email: user.email };
  });
};
