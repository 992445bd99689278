import type { Db } from "@/lib/db";
import type { SessionUser } from "./session-user";
import { isSessionFresh } from "./session-lifetime";

/** What the session callback puts in `session.user` (lib/auth/auth-options.ts). */
export type SessionClaims = { id?: string; sessionVersion?: unknown; authTime?: unknown };

/**
 * The user a decoded session belongs to, or null when the session is past its lifetime, the user
 * no longer exists, or the user's sessionVersion moved on since sign-in (password change, sign-out,
 * demotion, removal). The role comes from the database, not the cookie.
 */
export const resolveSessionUser = async ({
  db,
  claims,
  now = new Date(),
}: {
  db: Db;
  claims: SessionClaims | null | undefined;
  now?: Date;
}): Promise<SessionUser | null> => {
  if (!claims?.id || typeof claims.sessionVersion !== "number" || !isSessionFresh({ authTime: claims.authTime, now })) return null;
  const user = await db.user.findUnique({
    where: { id: claims.id },
    select: { id: true, email: true, name: true, role: true, sessionVersion: true },
  });
  if (!user || user.sessionVersion !== claims.sessionVersion) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
};
