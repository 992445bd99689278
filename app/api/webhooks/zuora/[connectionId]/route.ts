import "@/lib/flows/register-flows";
import { db } from "@/lib/db";
import { toHttpResponse } from "@/lib/errors";
import { receiveCallout } from "@/lib/sync/receive-callout";

/** Callouts carry ids only; anything larger is not a Zuora callout. */
const MAX_BODY_BYTES = 64 * 1024;

/** The body, or null as soon as it exceeds `limit` bytes (a chunked body declares no length: never buffer it whole). */
const readBody = async (req: Request, limit: number): Promise<Uint8Array | null> => {
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
};

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/webhooks/zuora/[connectionId] – verify the callout over its raw bytes, record it once, queue its job, answer 200.
export const POST = async (req: Request, { params }: { params: Promise<{ connectionId: string }> }) => {
  try {
    const { connectionId } = await params;
    const declared = Number(req.headers.get("content-length") ?? "0");
    if (declared > MAX_BODY_BYTES) return Response.json({ success: false, error: "payload too large" }, { status: 413 });
    const rawBody = await readBody(req, MAX_BODY_BYTES);
    if (!rawBody) return Response.json({ success: false, error: "payload too large" }, { status: 413 });
    const result = await receiveCallout({ db: db(), connectionId, rawBody, headers: req.headers });
    if (result.status === 404) return Response.json({ success: false, error: "not found" }, { status: 404 });
    if (result.status === 401) return Response.json({ success: false, error: "unauthorized" }, { status: 401 });
    if (result.status === 400) return Response.json({ success: false, error: result.reason }, { status: 400 });
    // Zuora's "confirm success by parsing response content" expects {"success": true}.
    return Response.json({ success: true }, { status: 200 });
  } catch (err) {
    return toHttpResponse(err);
  }
};
