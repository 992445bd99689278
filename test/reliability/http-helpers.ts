import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

/*
 * Serves a Next.js route handler (Request -> Response) over real HTTP on loopback, in the test's own
 * process: the handler sees a streamed body and real headers, as under `next start`.
 */

export type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type ServedRoute = { url: string; close: () => Promise<void>; errors: unknown[] };

/** Serves a Node request handler (a Pages Router API route's) for the paths `pattern` matches, its named groups as params. */
export const serveNodeRoute = async (
  handler: (req: http.IncomingMessage, res: http.ServerResponse, params: Record<string, string>) => Promise<void> | void,
  pattern: RegExp,
): Promise<ServedRoute> => {
  const errors: unknown[] = [];
  const server = http.createServer(async (req, res) => {
    try {
      const m = pattern.exec(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
      if (!m) {
        res.writeHead(404).end();
        return;
      }
      await handler(req, res, { ...m.groups });
    } catch (err) {
      errors.push(err);
      if (!res.headersSent) res.writeHead(599);
      res.end();
    }
  });
  return listen(server, errors);
};

const listen = async (server: http.Server, errors: unknown[]): Promise<ServedRoute> => {
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export const serveRoute = async (handler: RouteHandler, pattern: RegExp): Promise<ServedRoute> => {
  const errors: unknown[] = [];
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const m = pattern.exec(url.pathname);
      if (!m) {
        res.writeHead(404).end();
        return;
      }
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(url, {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v] as [string, string]])),
        body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
        // @ts-expect-error Node's fetch needs duplex for a streamed body
        duplex: "half",
      });
      const response = await handler(request, { params: Promise.resolve({ ...m.groups }) });
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      errors.push(err);
      if (!res.headersSent) res.writeHead(599);
      res.end();
    }
  });
  return listen(server, errors);
};

/** Runs `tasks` with at most `concurrency` in flight. */
export const pool = async <T>(tasks: (() => Promise<T>)[], concurrency: number): Promise<T[]> => {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
};

/** A raw HTTP request (no fetch normalisation): exact headers, optional chunked body, status or the error code. */
export const rawRequest = ({
  url,
  method = "POST",
  headers = {},
  body,
  chunks,
}: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** sent with Transfer-Encoding: chunked, one write per element */
  chunks?: Buffer[];
}): Promise<{ status: number; text: string } | { error: string }> =>
  new Promise((resolve) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString("utf8").slice(0, 500) }));
      res.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    });
    req.setTimeout(20_000, () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    if (chunks) {
      for (const c of chunks) req.write(c);
      req.end();
    } else {
      req.end(body);
    }
  });
