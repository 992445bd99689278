import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/require-user";
import { db } from "@/lib/db";
import { getRecordPage } from "@/lib/records/get-record-page";
import { RecordPageClient, type RecordPageData } from "./page-client";

export const metadata: Metadata = { title: "Record" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const RecordPage = async ({ params }: { params: Promise<{ recordId: string }> }) => {
  const user = await requireUser();
  const { recordId } = await params;
  if (!UUID.test(recordId)) notFound();
  const page = await getRecordPage({ db: db(), id: recordId });
  if (!page) notFound();
  return <RecordPageClient initial={JSON.parse(JSON.stringify(page)) as RecordPageData} isAdmin={user.role === "admin"} />;
};

export default RecordPage;
