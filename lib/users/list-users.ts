import type { Db } from "@/lib/db";
import type { UserRole } from "./schemas";

export type UserListItem = { id: string; email: string; name: string | null; role: UserRole; createdAt: Date };

/** Every user, admins first, then by e-mail. Never returns password hashes. */
export const listUsers = ({ db }: { db: Db }): Promise<UserListItem[]> =>
  db.user.findMany({
    select: { id: true, email: true, name: true, role: true, createdAt: true },
    orderBy: [{ role: "asc" }, { email: "asc" }],
  });
