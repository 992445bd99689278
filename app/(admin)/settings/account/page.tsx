import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { AccountPageClient } from "./page-client";

export const metadata: Metadata = { title: "Account" };

const AccountPage = async () => {
  const me = await requireUser();
  return <AccountPageClient email={me.email} role={me.role} />;
};

export default AccountPage;
