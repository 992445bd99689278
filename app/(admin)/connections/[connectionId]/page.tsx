import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireUser } from "@/lib/auth/require-user";
import { getConnection } from "@/lib/connections/get-connection";
import { listConnectorForms } from "@/lib/connections/list-connector-forms";
import { db } from "@/lib/db";
import { ConnectionPageClient } from "./page-client";

export const metadata: Metadata = { title: "Connection" };

const ConnectionPage = async ({ params }: { params: Promise<{ connectionId: string }> }) => {
  const user = await requireUser();
  const id = z.uuid().safeParse((await params).connectionId);
  if (!id.success) notFound();
  const view = await getConnection({ db: db(), connectionId: id.data }).catch(() => null);
  if (!view) notFound();
  const form = listConnectorForms().find((f) => f.vendor === view.vendor);
  return <ConnectionPageClient view={view} form={form ?? null} isAdmin={user.role === "admin"} />;
};

export default ConnectionPage;
