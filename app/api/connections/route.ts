import { route } from "@/lib/api/route";
import { listConnections } from "@/lib/connections/list-connections";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

// GET /api/connections – every connection with which secrets are set (never their values) and its last test.
export const GET = route({}, async () => listConnections({ db: db() }));
