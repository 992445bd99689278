import { requireUser } from "@/lib/auth/require-user";
import { toHttpResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

// GET /api/me – the signed-in user (id, email, name, role); 401 without a session.
export const GET = async () => {
  try {
    return Response.json(await requireUser());
  } catch (err) {
    return toHttpResponse(err);
  }
};
