import { z } from "zod";
import { route } from "@/lib/api/route";
import { getConnection } from "@/lib/connections/get-connection";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

// GET /api/connections/[connectionId] – one connection without its secrets.
export const GET = route({ params: z.strictObject({ connectionId: z.uuid() }) }, async ({ params }) => getConnection({ db: db(), connectionId: params.connectionId }));
