import type { WebhookAck } from "@/lib/connectors/types";
import { db } from "@/lib/db";
import { toHttpResponse } from "@/lib/errors";
import { receiveCallout } from "@/lib/sync/receive-callout";

/** Callouts and webhooks carry ids (or one small event); anything larger is refused unread. */
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

/** The vendor's expected answer: JSON for objects, text for strings (e.g. a handshake echo). */
const answer = (ack: WebhookAck) =>
  typeof ack.body === "string"
    ? new Response(ack.body, { status: ack.status, headers: { "content-type": "text/plain; charset=utf-8", ...ack.headers } })
    : ack.body === undefined
      ? new Response(null, { status: ack.status, headers: ack.headers })
      : Response.json(ack.body, { status: ack.status, headers: ack.headers });

/**
 * The caller's address for a connection's IP allowlist: the first X-Forwarded-For entry, which
 * `next start` fills with the socket's address when the caller sends none. Behind a reverse proxy the
 * proxy must overwrite that header (README: Running web and workers separately); the shared secret stays the authentication.
 */
const callerAddressOf = (headers: Headers) => headers.get("x-forwarded-for")?.split(",")[0]?.trim() || undefined;

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/webhooks/[vendor]/[connectionId] – verified by the vendor's connector over the raw bytes
// (with the full URL and the connection's secrets), recorded once, its job queued, answered as the
// vendor expects. Zuora callout templates keep their URL: /api/webhooks/zuora/<connectionId> is this route.
export const POST = async (req: Request, { params }: { params: Promise<{ vendor: string; connectionId: string }> }) => {
  try {
    const { vendor, connectionId } = await params;
    const declared = Number(req.headers.get("content-length") ?? "0");
    if (declared > MAX_BODY_BYTES) return Response.json({ success: false, error: "payload too large" }, { status: 413 });
    const rawBody = await readBody(req, MAX_BODY_BYTES);
    if (!rawBody) return Response.json({ success: false, error: "payload too large" }, { status: 413 });
    const result = await receiveCallout({ db: db(), vendor, connectionId, rawBody, headers: req.headers, url: req.url, remoteAddress: callerAddressOf(req.headers) });
    if (result.status === 404) return Response.json({ success: false, error: "not found" }, { status: 404 });
    if (result.status === 401) return result.ack ? answer(result.ack) : Response.json({ success: false, error: "unauthorized" }, { status: 401 });
    if (result.status === 400) return Response.json({ success: false, error: result.reason }, { status: 400 });
    return answer(result.ack);
  } catch (err) {
    return toHttpResponse(err);
  }
};
