import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { getHealth } from "@/lib/health/get-health";

export const dynamic = "force-dynamic";

// GET /api/health – no session needed; 200 when the database answers and a worker beat recently, else 503.
export const GET = route({ access: "public" }, async () => {
  const health = await getHealth({ db: db(), staleSeconds: env().WORKER_STALE_SECONDS });
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
});
