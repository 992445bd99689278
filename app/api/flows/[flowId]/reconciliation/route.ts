import { z } from "zod";
import { route } from "@/lib/api/route";
import { getBalanceReconciliation } from "@/lib/dashboard/get-period-reconciliation";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

// GET /api/flows/[flowId]/reconciliation?period=YYYY-MM – both ledgers read now: billed, credited, paid
// and open balances per period and currency, each difference with its documents and the flow's records.
export const GET = route(
  { params: z.strictObject({ flowId: z.uuid() }), query: z.strictObject({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional() }) },
  async ({ params, query }) => {
    const result = await getBalanceReconciliation({ db: db(), flowId: params.flowId, period: query.period });
    if (!result) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more), or its kind cannot read both ledgers." });
    return result;
  },
);
