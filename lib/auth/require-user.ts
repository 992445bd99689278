import { assertRole } from "./assert-role";
import { getSessionUser } from "./get-session-user";
import type { SessionUser } from "./session-user";

/** The signed-in user of this request (any role); throws AppError UNAUTHENTICATED otherwise. */
export const requireUser = async (): Promise<SessionUser> => assertRole(await getSessionUser());
