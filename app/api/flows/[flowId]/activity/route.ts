import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { getFlowActivity } from "@/lib/flows-admin/get-flow-activity";

export const dynamic = "force-dynamic";

// GET /api/flows/[flowId]/activity – last runs with counts and durations, and the progress of a poll in progress.
export const GET = route(
  { params: z.strictObject({ flowId: z.uuid() }), query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).optional() }) },
  async ({ params, query }) => getFlowActivity({ db: db(), flowId: params.flowId, limit: query.limit }),
);
