import { z } from "zod";
import { route } from "@/lib/api/route";
import { getFlowDashboard } from "@/lib/dashboard/get-flow-dashboard";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

// GET /api/dashboard?flowId=…&period=YYYY-MM – one flow's status counts, holds, failures, last activity and billed vs posted.
export const GET = route(
  { query: z.strictObject({ flowId: z.uuid(), period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional() }) },
  async ({ query }) => {
    const dashboard = await getFlowDashboard({ db: db(), flowId: query.flowId, period: query.period });
    if (!dashboard) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
    return dashboard;
  },
);
