import contentDisposition from "content-disposition";
import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { exportValueMaps } from "@/lib/mapping-admin/export-value-maps";
import { valueMapKindSchema } from "@/lib/mapping-admin/schemas";

// GET /api/mappings/[flowId]/export?kind= – the mappings of a flow (one kind, or all) as CSV, in a file named after the flow, kind and day.
export const GET = route({ params: z.strictObject({ flowId: z.uuid() }), query: z.strictObject({ kind: valueMapKindSchema.optional() }) }, async ({ params, query }) => {
  const { fileName, csv } = await exportValueMaps({ db: db(), flowId: params.flowId, kind: query.kind });
  return new Response(csv, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": contentDisposition(fileName) } });
});
