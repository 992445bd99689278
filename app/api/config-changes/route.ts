import { z } from "zod";
import { route } from "@/lib/api/route";
import { configChangeFilterSchema } from "@/lib/audit/config-change-schemas";
import { listConfigChanges } from "@/lib/audit/list-config-changes";
import { db } from "@/lib/db";

const querySchema = configChangeFilterSchema.extend({ cursor: z.string().regex(/^\d{1,19}$/).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

// GET /api/config-changes – one page of the configuration change log, newest first.
export const GET = route({ query: querySchema }, ({ query: { cursor, limit, ...filter } }) => listConfigChanges({ db: db(), filter, cursor, limit }));
