import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { listValueMaps } from "@/lib/mapping-admin/list-value-maps";
import { formatValueMapCsv } from "@/lib/mapping-admin/parse-value-map-csv";

// GET /api/mappings/[flowId]/export – every mapping of a flow as CSV (the format the import reads).
export const GET = route({ params: z.strictObject({ flowId: z.uuid() }) }, async ({ params }) => {
  const rows = await listValueMaps({ db: db(), flowId: params.flowId });
  return new Response(formatValueMapCsv(rows), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="mappings-${params.flowId.slice(0, 8)}.csv"` },
  });
});
