import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { listRecords } from "@/lib/records/list-records";
import { recordFilterSchema } from "@/lib/records/schemas";

const querySchema = recordFilterSchema.extend({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

// GET /api/records – one keyset page of the records list (no payloads), newest first.
export const GET = route({ query: querySchema }, ({ query: { cursor, limit, ...filter } }) => listRecords({ db: db(), filter, cursor, limit }));
