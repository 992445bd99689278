import type { UserRole } from "@/lib/users/schemas";

/** The signed-in user as the app sees it, re-read from the database on each server request. */
export type SessionUser = { id: string; email: string; name: string | null; role: UserRole };
