import { getServerSession } from "next-auth/next";
import { db as defaultDb, type Db } from "@/lib/db";
import { authOptions } from "./auth-options";
import { resolveSessionUser } from "./resolve-session-user";
import type { SessionUser } from "./session-user";

/**
 * The signed-in user of the current request (server components, actions, route handlers), or
 * null. Checked against the database on every request (lib/auth/resolve-session-user.ts), so a
 * revoked, demoted or deleted user loses access on the next request instead of when the JWT expires.
 */
export const getSessionUser = async ({ db = defaultDb() }: { db?: Db } = {}): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions());
  return resolveSessionUser({ db, claims: session?.user });
};
