import { fork, spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { z } from "zod";
import { createCallRecorder } from "../../lib/http/call-recorder";
import { PlainHttpClient } from "../../lib/http/vendor-client";
import { createBundler, WORKER_ENV, WORKER_NODE_FLAGS } from "../../scripts/worker-build";
import { numberArg } from "./number-arg";

/*
 * CPU per vendor call of lib/http's client, alone (issue 17 item 4): no database, no limiter.
 *
 *   npx tsx bench/lib/vendor-call-cpu.ts [--calls 3000] [--concurrency 8] [--rounds 3] [--cpu-prof-dir DIR]
 *
 * A loopback server in a child process answers like Acumatica (a ~2 KB JSON entity); the client runs
 * in another child, bundled and started with the worker's own node flags (scripts/worker-build.ts),
 * and sends, inside a call recorder as process-record does, the same mix the engine sends per record:
 * a GET with a $filter query and a POST with a ~1 KB JSON body. It reports the client process's
 * user+system CPU (process.cpuUsage) per call, sequential and `concurrency` at a time, after a warm-up.
 * CPU per call stays comparable on a loaded machine (wall times do not): report the load average with it.
 */

const entity = (id: string) => ({
  id: "5b7e1f0a-1d2c-4e3f-9a8b-7c6d5e4f3a2b",
  rowNumber: 1,
  note: { value: "" },
  Amount: { value: 1234.5 },
  Balance: { value: 1234.5 },
  CustomerID: { value: "C000123" },
  Date: { value: "2026-12-07T00:00:00+00:00" },
  Description: { value: "Zuora invoice INV00001234" },
  DueDate: { value: "2027-01-06T00:00:00+00:00" },
  ReferenceNbr: { value: id },
  Status: { value: "Open" },
  Type: { value: "Invoice" },
  Details: Array.from({ length: 4 }, (_, i) => ({
    id: `0c3f${i}a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b`,
    rowNumber: i + 1,
    Amount: { value: 308.625 },
    Description: { value: `Charge ${i + 1}: subscription, December 2026` },
    InventoryID: { value: "SUBSCRIPTION" },
    Qty: { value: 1 },
    UnitPrice: { value: 308.625 },
    custom: {},
  })),
  custom: {},
});

const answerSchema = z.object({ id: z.string(), ReferenceNbr: z.object({ value: z.string() }), Details: z.array(z.object({ Amount: z.object({ value: z.number() }) })) });

/** The loopback server (child process): every request answers one entity, or a list of one for a GET. */
const serve = () => {
  const body = JSON.stringify(entity("AR012345"));
  const list = `[${body}]`;
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "request-id": "bench" });
      res.end(req.method === "GET" ? list : body);
    });
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    if (address && typeof address === "object") process.send?.({ port: address.port });
  });
};

/** The client (child process, bundled): CPU per call, sequential and concurrent. */
const measure = async (baseUrl: string, calls: number, concurrency: number) => {
  const client = new PlainHttpClient({ vendor: "bench", baseUrl, timeoutMs: 10_000 });
  const payload = entity("");
  let n = 0;
  const oneCall = async () => {
    const recorder = createCallRecorder();
    await recorder.run(async () => {
      if (n++ % 2 === 0) {
        await client.request({ method: "GET", path: "/entity/Default/24.200.001/Invoice", query: { $filter: `ReferenceNbr eq 'AR${n}' and Type eq 'Invoice'`, $expand: "Details", $top: 1 }, outputSchema: z.array(answerSchema) });
      } else {
        await client.request({ method: "PUT", path: "/entity/Default/24.200.001/Invoice", body: { json: payload }, outputSchema: answerSchema });
      }
    });
    if (recorder.calls().length !== 1) throw new Error("the recorder did not see the call");
  };
  const run = async (total: number, parallel: number) => {
    const started = process.cpuUsage();
    const wall = performance.now();
    let left = total;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (left-- > 0) await oneCall();
      }),
    );
    const used = process.cpuUsage(started);
    return { cpuUsPerCall: Math.round((used.user + used.system) / total), userUs: Math.round(used.user / total), systemUs: Math.round(used.system / total), callsPerSecond: Math.round(total / ((performance.now() - wall) / 1000)) };
  };
  await run(Math.min(1000, calls), concurrency); // warm-up: JIT, sockets
  const sequential = await run(calls, 1);
  const concurrent = await run(calls, concurrency);
  return { sequential, concurrent };
};

const main = async () => {
  const calls = numberArg("calls", 3000);
  const concurrency = numberArg("concurrency", 8);
  const root = path.resolve(import.meta.dirname, "../..");
  const server: ChildProcess = fork(import.meta.filename, ["--serve"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.once("message", (m: { port: number }) => resolve(m.port));
      server.once("exit", (code) => reject(new Error(`the server exited (${code})`)));
    });
    const outFile = path.join(root, "dist", "bench-vendor-call-cpu.mjs");
    await createBundler({ base: root, entry: path.relative(root, import.meta.filename), outFile }).ensure();
    const rounds: unknown[] = [];
    for (let round = 0; round < numberArg("rounds", 3); round++) {
      const profDir = process.argv.indexOf("--cpu-prof-dir");
      const profile = profDir === -1 ? [] : ["--cpu-prof", `--cpu-prof-dir=${process.argv[profDir + 1]}`];
      const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, ...profile, outFile, "--client", `http://127.0.0.1:${port}/AcumaticaERP`, "--calls", String(calls), "--concurrency", String(concurrency)], {
        env: { ...process.env, ...WORKER_ENV },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      await new Promise<void>((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the client exited (${code})`)))));
      rounds.push(JSON.parse(out));
    }
    const [load1] = (await import("node:os")).loadavg();
    console.log(JSON.stringify({ calls, concurrency, loadAverage: Math.round(load1! * 100) / 100, rounds }, null, 1));
  } finally {
    server.kill();
  }
};

if (process.argv.includes("--serve")) serve();
else if (process.argv.includes("--client")) {
  const at = process.argv.indexOf("--client");
  void measure(process.argv[at + 1]!, numberArg("calls", 3000), numberArg("concurrency", 8)).then((r) => process.stdout.write(JSON.stringify(r)));
} else await main();
