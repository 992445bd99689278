import { route } from "@/lib/api/route";

export const dynamic = "force-dynamic";

// GET /api/me – the signed-in user (id, email, name, role); 401 without a session.
export const GET = route({}, async ({ user }) => user);
