import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { getFlow } from "@/lib/flows-admin/get-flow";
import { publicAppUrl } from "@/lib/flows-admin/public-app-url";

export const dynamic = "force-dynamic";

// GET /api/flows/[flowId] – one flow with its settings and callout setup (the HMAC secret is never included).
export const GET = route({ params: z.strictObject({ flowId: z.uuid() }) }, async ({ params }) => getFlow({ db: db(), flowId: params.flowId, appUrl: publicAppUrl() }));
