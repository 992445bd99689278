import { getSessionUser } from "./get-session-user";
import { assertRole } from "./assert-role";
import type { SessionUser } from "./session-user";

/** The signed-in admin of this request; throws AppError UNAUTHENTICATED / FORBIDDEN otherwise. */
export const requireAdmin = async (): Promise<SessionUser> => assertRole(await getSessionUser(), "admin");
