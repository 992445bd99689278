import { getServerSession } from "next-auth/next";
import { db as defaultDb, type Db } from "@/lib/db";
import { authOptions } from "./auth-options";
import type { SessionUser } from "./session-user";

/**
 * The signed-in user of the current request (server components, actions, route handlers), or
 * null. The role comes from the database, not the cookie, so a demoted or deleted user loses
 * access on the next request instead of when the JWT expires.
 */
export const getSessionUser = async ({ db = defaultDb() }: { db?: Db } = {}): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions());
  const id = session?.user?.id;
  if (!id) return null;
  return db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true } });
};
