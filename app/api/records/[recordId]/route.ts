import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getRecordPage } from "@/lib/records/get-record-page";

// GET /api/records/[recordId] – one record with payloads, audit trail and links to both systems.
export const GET = route({ params: z.strictObject({ recordId: z.uuid() }) }, async ({ params }) => {
  const page = await getRecordPage({ db: db(), id: params.recordId });
  if (!page) throw new AppError("NOT_FOUND", { userMessage: "This record does not exist." });
  return page;
});
