import { AppError } from "@/lib/errors";
import type { UserRole } from "@/lib/users/schemas";
import type { SessionUser } from "./session-user";

/**
 * Returns `user` when it exists and holds `role` (admin satisfies every role); otherwise
 * throws AppError UNAUTHENTICATED (no user) or FORBIDDEN (role too low).
 */
export const assertRole = (user: SessionUser | null, role?: UserRole): SessionUser => {
  if (!user) throw new AppError("UNAUTHENTICATED", { userMessage: "Your session has ended. Sign in again." });
  if (role === "admin" && user.role !== "admin") {
    throw new AppError("FORBIDDEN", { userMessage: "Only an admin can do this. Ask an admin of ml-connector." });
  }
  return user;
};
