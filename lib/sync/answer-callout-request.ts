import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebhookAck, WebhookHeaders } from "../connectors/types";
import type { Db } from "../db";
import { toErrorBody } from "../errors";
import { calloutIntakePoolOf } from "./callout-intake-pool";
import { receiveCallout } from "./receive-callout";

/** Callouts and webhooks carry ids (or one small event); anything larger is refused unread. */
export const MAX_CALLOUT_BODY_BYTES = 64 * 1024;

/** The bench floor's vendor name in the route's URL, and its answer: the bytes of Zuora's acknowledgement (lib/connectors/zuora/webhooks.ts), so both answers cost Node alike. */
const BENCH_FLOOR_VENDOR = "bench-floor";
/** The same floor answered a few ms later, after the handler has returned, as a callout is answered once its statement commits. */
const BENCH_DEFERRED_FLOOR_VENDOR = "bench-floor-deferred";
const BENCH_DEFERRED_FLOOR_MS = 3;
const BENCH_FLOOR_ACK = { success: true };

/** A body of a declared length: Node's parser never delivers more than the length declared. */
const readDeclaredBody = (req: IncomingMessage, length: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)));
    req.once("error", reject);
    req.once("close", () => {
      if (!req.complete) reject(new Error("the request was aborted before its body arrived"));
    });
  });

/**
 * The body when Node's parser already holds all of it (a small callout arrives with its headers, and
 * Next's routing runs before this): taken at once, with no listeners or events per request.
 */
const bufferedBody = (req: IncomingMessage, length: number): Buffer | undefined => {
  if (!req.complete || req.readableFlowing || req.readableLength !== length) return undefined;
  if (length === 0) return Buffer.alloc(0);
  const body: unknown = req.read(length);
  return Buffer.isBuffer(body) && body.length === length ? body : undefined;
};

/** The body, or null as soon as it exceeds `limit` bytes (a chunked body declares no length: never buffer it whole). */
const readBody = async (req: IncomingMessage, limit: number): Promise<Buffer | null> => {
  const declared = req.headers["content-length"];
  if (declared !== undefined && req.headers["transfer-encoding"] === undefined && /^\d+$/.test(declared) && Number(declared) <= limit) {
    return bufferedBody(req, Number(declared)) ?? readDeclaredBody(req, Number(declared));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = chunk as Buffer;
    size += bytes.byteLength;
    if (size > limit) return null;
    chunks.push(bytes);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
};

/** An answer with a body declares its length: sent in one write, not chunked (writeHead leaves Node no chance to count it). */
const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  if (body === undefined) return void res.writeHead(status, headers).end();
  const [type, text] = typeof body === "string" ? ["text/plain; charset=utf-8", body] : ["application/json", JSON.stringify(body)];
  res.writeHead(status, { "content-type": type, "content-length": String(Buffer.byteLength(text)), ...headers }).end(text);
};

/** The vendor's expected answer: JSON for objects, text for strings (e.g. a handshake echo). */
const answer = (res: ServerResponse, ack: WebhookAck) => send(res, ack.status, ack.body, ack.headers);

/**
 * The caller's address for a connection's IP allowlist: the first X-Forwarded-For entry, which
 * `next start` fills with the socket's address when the caller sends none (else the socket's). Behind a reverse proxy the
 * proxy must overwrite that header (README: Running web and workers separately); the shared secret stays the authentication.
 */
const callerAddressOf = (req: IncomingMessage) => {
  const forwarded = req.headers["x-forwarded-for"];
  return (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim() || req.socket.remoteAddress || undefined;
};

/** The request URL as the vendor called it (as Next builds it: https when the socket or the forwarding proxy says so). */
const fullUrlOf = (req: IncomingMessage) => {
  const encrypted = "encrypted" in req.socket && req.socket.encrypted === true;
  const proto = encrypted || String(req.headers["x-forwarded-proto"] ?? "").includes("https") ? "https" : "http";
  return `${proto}://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
};

/**
 * The request's headers as the verifier reads them, answered as web Headers would (every value of the
 * name in arrival order, joined by ", "; null when absent), read from Node's raw header list on demand
 * instead of copied into a Headers object per request.
 */
const headersOf = (req: IncomingMessage): WebhookHeaders => ({
  get: (name) => {
    const raw = req.rawHeaders;
    const wanted = name.toLowerCase();
    let value: string | null = null;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const key = raw[i]!;
      if (key.length === wanted.length && key.toLowerCase() === wanted) value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
    }
    return value;
  },
});

/**
 * POST /api/webhooks/[vendor]/[connectionId] on Node's own request and response: verified by the
 * vendor's connector over the raw bytes (with the full URL and the connection's secrets), recorded
 * once, its job queued (receiveCallout), answered as the vendor expects. Served by a Pages Router API
 * route (pages/api/webhooks), not an App Router route handler: the App Router wraps every request in a
 * web Request with a stream body and pipes a web Response back, which alone cost about as much
 * server CPU as Next's whole 405 answer (bench/README.md, Webhook intake); this runs on node:http's objects directly.
 */
export const answerCalloutRequest = async ({
  db,
  req,
  res,
  vendor,
  connectionId,
  benchFloor = false,
}: {
  db: () => Db;
  req: IncomingMessage;
  res: ServerResponse;
  vendor: string;
  connectionId: string;
  /**
   * Whether the bench's framework floors are served (BENCH_INTAKE_FLOOR, never in production): a request
   * naming the vendor `bench-floor` then has its body read as a callout's is and is answered as Zuora's
   * acknowledgement is, with nothing verified or stored (bench/scenarios/intake.ts); `bench-floor-deferred`
   * the same, answered 3 ms later. Otherwise those names are unknown vendors like any other (404).
   */
  benchFloor?: boolean;
}) => {
  try {
    if (req.method !== "POST") return send(res, 405, undefined, { allow: "POST" });
    const declared = Number(req.headers["content-length"] ?? "0");
    const tooLarge = () => send(res, 413, { success: false, error: "payload too large" }, { connection: "close" });
    if (declared > MAX_CALLOUT_BODY_BYTES) return tooLarge();
    const rawBody = await readBody(req, MAX_CALLOUT_BODY_BYTES);
    if (!rawBody) return tooLarge();
    if (benchFloor && vendor === BENCH_FLOOR_VENDOR) return send(res, 200, BENCH_FLOOR_ACK);
    if (benchFloor && vendor === BENCH_DEFERRED_FLOOR_VENDOR) return void setTimeout(() => send(res, 200, BENCH_FLOOR_ACK), BENCH_DEFERRED_FLOOR_MS);
    const client = db();
    const result = await receiveCallout({ db: client, pool: calloutIntakePoolOf(client), vendor, connectionId, rawBody, headers: headersOf(req), url: fullUrlOf(req), remoteAddress: callerAddressOf(req) });
    if (result.status === 404) return send(res, 404, { success: false, error: "not found" });
    if (result.status === 401) return result.ack ? answer(res, result.ack) : send(res, 401, { success: false, error: "unauthorized" });
    if (result.status === 400) return send(res, 400, { success: false, error: result.reason });
    return answer(res, result.ack);
  } catch (err) {
    const { status, body } = toErrorBody(err);
    if (res.headersSent) return void res.destroy();
    return send(res, status, { error: body });
  }
};
