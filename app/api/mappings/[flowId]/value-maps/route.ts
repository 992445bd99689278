import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { listValueMaps } from "@/lib/mapping-admin/list-value-maps";
import { valueMapKindSchema } from "@/lib/mapping-admin/schemas";

// GET /api/mappings/[flowId]/value-maps – every mapping of a flow (the table view).
export const GET = route({ params: z.strictObject({ flowId: z.uuid() }), query: z.strictObject({ kind: valueMapKindSchema.optional() }) }, ({ params, query }) =>
  listValueMaps({ db: db(), flowId: params.flowId, kind: query.kind }),
);
