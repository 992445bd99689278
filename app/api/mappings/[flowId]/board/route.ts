import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { getMappingBoard } from "@/lib/mapping-admin/get-mapping-board";
import { mappingBoardQuerySchema } from "@/lib/mapping-admin/schemas";

// GET /api/mappings/[flowId]/board – the canvas window: searched sources and targets, maps, coverage.
export const GET = route({ params: z.strictObject({ flowId: z.uuid() }), query: mappingBoardQuerySchema }, ({ params, query }) =>
  getMappingBoard({ db: db(), flowId: params.flowId, query }),
);
