import contentDisposition from "content-disposition";
import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { exportValueMaps } from "@/lib/mapping-admin/export-value-maps";

// GET /api/mappings/[flowId]/export – every mapping of a flow as CSV, in a file named after the flow.
export const GET = route({ params: z.strictObject({ flowId: z.uuid() }) }, async ({ params }) => {
  const { fileName, csv } = await exportValueMaps({ db: db(), flowId: params.flowId });
  return new Response(csv, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": contentDisposition(fileName) } });
});
