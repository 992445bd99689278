import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { db } from "@/lib/db";
import { listUsers } from "@/lib/users/list-users";
import { UsersPageClient } from "./page-client";

export const metadata: Metadata = { title: "Users" };

const UsersPage = async () => {
  const me = await requireUser();
  const users = await listUsers({ db: db() });
  return (
    <UsersPageClient
      currentUserId={me.id}
      isAdmin={me.role === "admin"}
      users={users.map((u) => ({ id: u.id, email: u.email, role: u.role, createdAt: u.createdAt.toISOString() }))}
    />
  );
};

export default UsersPage;
