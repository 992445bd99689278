import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { getMappingBoard } from "@/lib/mapping-admin/get-mapping-board";
import { mappingBoardQuerySchema } from "@/lib/mapping-admin/schemas";

// GET /api/mappings/[flowId]/board – the canvas window: searched sources and targets, maps, coverage.
// Viewers see the cached catalogues; only an admin may have them read from the vendors again.
export const GET = route({ params: z.strictObject({ flowId: z.uuid() }), query: mappingBoardQuerySchema }, ({ params, query, user }) =>
  getMappingBoard({ db: db(), flowId: params.flowId, query, role: user.role }),
);
