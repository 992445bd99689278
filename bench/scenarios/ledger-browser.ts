import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Locator, type Page } from "@playwright/test";
import pg from "pg";
import { percentile } from "../lib/context";
import { startProductionApp, type ProductionApp } from "../lib/production-app";
import { root } from "../lib/stack";

/** One measured navigation, several runs. */
export type LedgerBrowserRow = {
  /** what the admin waits for */
  measure: string;
  /** "page load": the address typed (page.goto); "sidebar click" / "tab click" / "search typed": in the app */
  how: string;
  records: number;
  runs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** runs over the 1 s target */
  over1s: number;
  /** page loads: the medians of the HTML's first byte (the app shell, streamed first) and of its last (every
   *  part the server streams, the counts included): what the server took, apart from the browser */
  p50FirstByteMs?: number;
  p50HtmlEndMs?: number;
  loadAverage1m: number;
};

/** One query of scripts/seed-records.ts's measure mode, timed in Node against the same database (server time alone). */
export type ServerQueryRow = { query: string; p50Ms: number; p95Ms: number; maxMs: number };

const BROWSER_ZONE = "America/New_York";
const SERVER_ZONE = "UTC";
const WAIT_MS = 60_000;

/** The seeded invoice numbers: INV + 8 digits of i, for i % 8 in {0, 1} (scripts/seed-records.ts). */
const invoiceNumber = (i: number) => `INV${String(i - (i % 8)).padStart(8, "0")}`;

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

const row = (measure: string, how: string, records: number, samples: number[], html: { start: number; end: number }[]): LedgerBrowserRow => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    measure,
    how,
    records,
    runs: samples.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted.at(-1)!,
    over1s: samples.filter((s) => s > 1000).length,
    loadAverage1m: Math.round(os.loadavg()[0]! * 10) / 10,
    ...(html.length ? { p50FirstByteMs: median(html.map((h) => h.start)), p50HtmlEndMs: median(html.map((h) => h.end)) } : {}),
  };
};

/** Waits until the records table shows rows and every row shown passes `accept` (e.g. all held). */
const rowsShown = async (page: Page, accept: { status?: string; text?: string } = {}) => {
  await page.waitForFunction(
    ({ status, text }) => {
      const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="record-row"]')];
      if (rows.length === 0) return false;
      if (status && !rows.every((r) => r.dataset.status === status)) return false;
      if (text && !rows.every((r) => (r.textContent ?? "").toLowerCase().includes(text))) return false;
      // visible: laid out, not inside a hidden (pending) tree
      return rows[0]!.getBoundingClientRect().height > 0;
    },
    { status: accept.status, text: accept.text?.toLowerCase() },
    { timeout: WAIT_MS, polling: "raf" },
  );
};

/** The dashboard's count figures (today's and the last 30 days'), which the server renders. */
const dashboardCounts = (page: Page) =>
  Promise.all([page.getByTestId("last-30-days-posted").waitFor({ timeout: WAIT_MS }), page.getByTestId("today-held").waitFor({ timeout: WAIT_MS })]);

/** The dashboard's figures: the status counts of the last 30 days and the chart's bars. */
const dashboardFigures = async (page: Page) => {
  await Promise.all([
    dashboardCounts(page),
    // the chart's bars, which recharts draws in the browser once the page has hydrated
    page.locator(".recharts-bar-rectangle").first().waitFor({ timeout: WAIT_MS }),
  ]);
};

/** The records page's status counts (the tabs' numbers) once they are read. */
const recordCounts = (page: Page) => page.locator('[data-testid="count-all"][data-state="read"]').waitFor({ timeout: WAIT_MS });

const sidebar = (page: Page, href: string): Locator => page.getByRole("navigation", { name: "Main" }).locator(`a[href="${href}"]`);

/** scripts/seed-records.ts against the app's database: its output (progress on stderr's terminal, figures on stdout). */
const runSeed = ({ args, databaseUrl, timeoutMs }: { args: string[]; databaseUrl: string; timeoutMs: number }) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/seed-records.ts", ...args], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`scripts/seed-records.ts failed (${code ?? signal}):\n${out.slice(-4000)}\n${err.slice(-4000)}`));
    });
  });

const timed = async (fn: () => Promise<void>) => {
  const started = performance.now();
  await fn();
  return Math.round(performance.now() - started);
};

/**
 * The records browser and the dashboard at `records` records (default 1,000,000), in Chromium, against the
 * production build (`npx next build` first) started as `npm start` starts it (embedded Postgres, worker,
 * sandbox) in a data folder of its own, the server in UTC and the browser in America/New_York.
 * scripts/seed-records.ts seeds the ledger with generate_series (two disabled flows, records over 365 days)
 * and times the list, count and dashboard queries in Node against the same database (the server's share).
 * Then, after one warm-up each, `runs` times: navigation (a sidebar click, and a page load) until the first
 * rows of the records list are visible; the same filtered by status (held, failed: a tab click, and a page
 * load) and by a search (typed, and a page load); until the dashboard's figures (counts and chart) are visible.
 */
export const ledgerBrowserFigures = async ({
  records,
  runs = 7,
  timeoutMs,
  serverRuns = 10,
}: {
  records: number;
  runs?: number;
  timeoutMs: number;
  serverRuns?: number;
}): Promise<{ rows: LedgerBrowserRow[]; serverQueries: ServerQueryRow[]; plans: string; seedSeconds: number; zones: { server: string; browser: string } }> => {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("the ledger-browser scenario runs the production build: run `npx next build` first");
  // LEDGER_BENCH_DATA_DIR keeps the app's data folder (and its seeded ledger) for the next run, which then
  // seeds nothing: for trying a change without seeding 1,000,000 records again.
  const kept = process.env.LEDGER_BENCH_DATA_DIR;
  if (kept) await mkdir(kept, { recursive: true });
  const dataDir = kept ? path.resolve(kept) : await mkdtemp(path.join(os.tmpdir(), "mlc-bench-ledger-"));
  await chmod(dataDir, 0o755);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] });
  let app: ProductionApp | undefined;
  try {
    // the app's output (start, web, worker) goes to a log in the data folder
    app = await startProductionApp({ dataDir, timeoutMs, env: { TZ: SERVER_ZONE }, log: createWriteStream(path.join(dataDir, "app.log"), { flags: "a" }) });
    const { baseURL, pgPort, api } = app;

    // The app's own database (scripts/start.ts keeps its password in the data folder).
    const { pgPassword } = JSON.parse(readFileSync(path.join(dataDir, "secrets.json"), "utf8")) as { pgPassword: string };
    const databaseUrl = `postgres://postgres:${encodeURIComponent(pgPassword)}@127.0.0.1:${pgPort}/ml_connector`;
    // The dashboard opens on the first enabled flow: the first seeded one (half the ledger), the demo flows off
    // (they poll their sandbox every few minutes). The seeded flow's connections answer nothing, so its polls
    // fail and the dashboard also shows a failing connection, read from the same million records.
    const sql = async <T extends pg.QueryResultRow>(text: string) => {
      const client = new pg.Client({ connectionString: databaseUrl });
      client.on("error", () => {});
      await client.connect();
      try {
        return (await client.query<T>(text)).rows;
      } finally {
        await client.end();
      }
    };
    await sql(`UPDATE "Flow" SET enabled = (name LIKE 'Seeded flow 1 %')`);

    const present = Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM "SyncRecord" r JOIN "Flow" f ON f.id = r."flowId" WHERE f.name LIKE 'Seeded flow %'`))[0]!.n);
    const toSeed = present >= records ? 0 : records;
    if (present > 0 && toSeed > 0) throw new Error(`${dataDir} holds ${present} seeded records, fewer than ${records}: remove it or set LEDGER_BENCH_DATA_DIR to a new folder`);
    console.log(`ledger-browser: seeding ${toSeed.toLocaleString("en-US")} records (scripts/seed-records.ts; ${present.toLocaleString("en-US")} already there), then timing its queries ${serverRuns} times each`);
    const seedStarted = performance.now();
    const seeded = await runSeed({ args: ["--count", String(toSeed), "--runs", String(serverRuns)], databaseUrl, timeoutMs });
    const seedSeconds = Number(/seeded in ([\d.]+) s/.exec(seeded)?.[1] ?? (performance.now() - seedStarted) / 1000);
    const serverQueries = [...seeded.matchAll(/^(.+?)\s+p50\s+([\d.]+) ms\s+p95\s+([\d.]+) ms\s+max\s+([\d.]+) ms/gm)].map((m) => ({
      query: m[1]!.trim(),
      p50Ms: Number(m[2]),
      p95Ms: Number(m[3]),
      maxMs: Number(m[4]),
    }));
    const plans = seeded.slice(seeded.indexOf("-- EXPLAIN")).trim();
    const flowId = (await sql<{ id: string }>(`SELECT id FROM "Flow" WHERE name LIKE 'Seeded flow 1 %' LIMIT 1`))[0]!.id;

    const context = await browser.newContext({ baseURL, storageState: await api.storageState(), viewport: { width: 1440, height: 900 }, timezoneId: BROWSER_ZONE });
    const page = await context.newPage();
    const rows: LedgerBrowserRow[] = [];
    /** one warm-up, then `runs` timed runs of `prepare` (untimed) and `run` (timed) */
    const measure = async (measureName: string, how: string, prepare: () => Promise<void>, run: () => Promise<void>) => {
      const samples: number[] = [];
      const html: { start: number; end: number }[] = [];
      for (let i = 0; i <= runs; i++) {
        await prepare();
        const ms = await timed(run).catch((err: Error) => {
          console.log(`  ${measureName} (${how}): ${err.message.split("\n")[0]}`);
          return WAIT_MS;
        });
        if (i === 0) continue;
        samples.push(ms);
        if (how === "page load") {
          // (the document may still be streaming when the figures show: wait for its end to read it)
          await page.waitForLoadState("load");
          html.push(
            await page.evaluate(() => {
              const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
              return { start: Math.round(n.responseStart), end: Math.round(n.responseEnd) };
            }),
          );
        }
      }
      const r = row(measureName, how, records, samples, html);
      console.log(`  ${measureName.padEnd(44)} ${how.padEnd(14)} p50 ${String(r.p50Ms).padStart(5)} ms  p95 ${String(r.p95Ms).padStart(5)} ms  max ${String(r.maxMs).padStart(5)} ms${r.p50FirstByteMs === undefined ? "" : `  (HTML first byte p50 ${r.p50FirstByteMs} ms, last ${r.p50HtmlEndMs} ms)`}`);
      rows.push(r);
    };
    const goto = (url: string) => page.goto(url, { waitUntil: "commit" }).then(() => undefined);
    /** a light page to start a sidebar click from (no records, no counts) */
    const startAway = async () => {
      await page.goto("/settings/account");
      await page.getByRole("heading", { level: 1 }).waitFor();
    };
    const onRecords = async (search = "") => {
      await page.goto(`/records${search}`);
      await rowsShown(page);
    };
    const number = invoiceNumber(Math.floor(records * 0.4));
    const common = number.slice(0, 7).toLowerCase();

    console.log(`ledger-browser: Chromium (${BROWSER_ZONE}) against the server (${SERVER_ZONE}), ${runs} runs after one warm-up each`);
    await measure("dashboard: counts and chart", "sidebar click", startAway, async () => {
      await sidebar(page, "/").click();
      await dashboardFigures(page);
    });
    await measure("dashboard: counts", "page load", async () => {}, async () => {
      await goto(`/?flowId=${flowId}`);
      await dashboardCounts(page);
    });
    await measure("dashboard: counts and chart", "page load", async () => {}, async () => {
      await goto(`/?flowId=${flowId}`);
      await dashboardFigures(page);
    });
    await measure("records: first rows", "sidebar click", startAway, async () => {
      await sidebar(page, "/records").click();
      await rowsShown(page);
    });
    await measure("records: first rows", "page load", async () => {}, async () => {
      await goto("/records");
      await rowsShown(page);
    });
    await measure("records: status counts", "page load", async () => {}, async () => {
      await goto("/records");
      await recordCounts(page);
    });
    for (const status of ["held", "failed"] as const) {
      await measure(`records: first ${status} rows`, "tab click", () => onRecords(), async () => {
        await page.getByRole("navigation", { name: "Status" }).getByRole("button", { name: new RegExp(`^${status}`, "i") }).click();
        await rowsShown(page, { status });
      });
      await measure(`records: first ${status} rows`, "page load", async () => {}, async () => {
        await goto(`/records?status=${status}`);
        await rowsShown(page, { status });
      });
    }
    for (const q of [number.toLowerCase(), common]) {
      await measure(`records: search "${q}"`, "search typed", () => onRecords(), async () => {
        const input = page.getByLabel("Search");
        await input.fill(q);
        await input.press("Enter");
        await rowsShown(page, { text: q });
      });
      await measure(`records: search "${q}"`, "page load", async () => {}, async () => {
        await goto(`/records?q=${encodeURIComponent(q)}`);
        await rowsShown(page, { text: q });
      });
    }
    await context.close();
    return { rows, serverQueries, plans, seedSeconds, zones: { server: SERVER_ZONE, browser: BROWSER_ZONE } };
  } finally {
    await browser.close().catch(() => {});
    await app?.stop();
    if (!kept) await rm(dataDir, { recursive: true, force: true }).catch(() => {});
  }
};
