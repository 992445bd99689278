import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { countRecordsByStatus } from "@/lib/records/count-records-by-status";
import { recordFilterSchema } from "@/lib/records/schemas";

// GET /api/records/counts – records per status for a filter (its status part ignored).
export const GET = route({ query: recordFilterSchema }, ({ query }) => countRecordsByStatus({ db: db(), filter: query }));
