import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/components/app-shell/app-shell";
import { getSessionUser } from "@/lib/auth/get-session-user";

/** Every admin page reads the session and the database per request; never prerender at build time. */
export const dynamic = "force-dynamic";

// Second gate after proxy.ts: a valid cookie for a deleted user still lands on /login.
const AdminLayout = async ({ children }: { children: ReactNode }) => {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  return <AppShell user={user}>{children}</AppShell>;
};

export default AdminLayout;
