import http from "node:http";

/** One request as a loopback test server saw it. */
export type SeenRequest = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; at: number };

export type LoopbackHandler = (
  req: SeenRequest,
  res: http.ServerResponse,
  raw: http.IncomingMessage,
) => void | Promise<void>;

/**
 * A real HTTP server on 127.0.0.1:0 for tests of lib/http and the connectors (test helper only;
 * never imported by product code). `handler` may be swapped between steps of a test.
 */
export const startLoopbackServer = async (handler: LoopbackHandler) => {
  const seen: SeenRequest[] = [];
  const state = { handler };
  const server = http.createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on("data", (c: Buffer) => chunks.push(c));
    raw.on("end", () => {
      const req: SeenRequest = {
        method: raw.method ?? "GET",
        url: raw.url ?? "/",
        headers: raw.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: performance.now(),
      };
      seen.push(req);
      Promise.resolve(state.handler(req, res, raw)).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("loopback server has no TCP address");
  const { port } = address;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    setHandler: (h: LoopbackHandler) => {
      state.handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** Writes a JSON answer. */
export const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};
