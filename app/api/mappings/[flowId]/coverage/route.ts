import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { listMissingMappings } from "@/lib/sync/list-missing-mappings";

// GET /api/mappings/[flowId]/coverage – unmapped keys that held records wait on, with counts and amounts.
export const GET = route({ params: z.strictObject({ flowId: z.uuid() }) }, ({ params }) => listMissingMappings({ db: db(), flowId: params.flowId }));
