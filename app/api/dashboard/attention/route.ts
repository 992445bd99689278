import { z } from "zod";
import { route } from "@/lib/api/route";
import { getDashboardAttention } from "@/lib/dashboard/get-dashboard-attention";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

// GET /api/dashboard/attention?flowId=…&scope=all|flow – failing connections and the flow's retrying records (polled every 3 s).
export const GET = route(
  { query: z.strictObject({ flowId: z.uuid().optional(), scope: z.enum(["all", "flow"]).optional() }) },
  async ({ query }) => {
    const attention = await getDashboardAttention({ db: db(), flowId: query.flowId, scope: query.scope });
    return Response.json(attention, { headers: { "Cache-Control": "no-store" } });
  },
);
