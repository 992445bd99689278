import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { listFlows } from "@/lib/flows-admin/list-flows";

export const dynamic = "force-dynamic";

// GET /api/flows – every flow with its connections and latest run.
export const GET = route({}, async () => listFlows({ db: db() }));
