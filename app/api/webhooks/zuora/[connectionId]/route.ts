import "@/lib/flows/register-flows";
import { db } from "@/lib/db";
import { toHttpResponse } from "@/lib/errors";
import { receiveCallout } from "@/lib/sync/receive-callout";

/** Callouts carry ids only; anything larger is not a Zuora callout. */
const MAX_BODY_BYTES = 64 * 1024;

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/webhooks/zuora/[connectionId] – verify the callout over its raw bytes, record it once, queue its job, answer 200.
export const POST = async (req: Request, { params }: { params: Promise<{ connectionId: string }> }) => {
  try {
    const { connectionId } = await params;
    const declared = Number(req.headers.get("content-length") ?? "0");
    if (declared > MAX_BODY_BYTES) return Response.json({ success: false, error: "payload too large" }, { status: 413 });
    const rawBody = new Uint8Array(await req.arrayBuffer());
    if (rawBody.byteLength > MAX_BODY_BYTES) return Response.json({ success: false, error: "payload too large" }, { status: 413 });
    const result = await receiveCallout({ db: db(), connectionId, rawBody, headers: req.headers });
    if (result.status === 404) return Response.json({ success: false, error: "not found" }, { status: 404 });
    if (result.status === 401) return Response.json({ success: false, error: "unauthorized" }, { status: 401 });
    // Zuora's "confirm success by parsing response content" expects {"success": true}.
    return Response.json({ success: true }, { status: 200 });
  } catch (err) {
    return toHttpResponse(err);
  }
};
