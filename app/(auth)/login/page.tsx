import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/get-session-user";
import { safeCallbackUrl } from "@/lib/auth/safe-callback-url";
import { LoginPageClient } from "./page-client";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const LoginPage = async ({ searchParams }: Props) => {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getSessionUser()) redirect(callbackUrl);
  return <LoginPageClient callbackUrl={callbackUrl} initialError={typeof params.error === "string" ? params.error : undefined} />;
};

export default LoginPage;
