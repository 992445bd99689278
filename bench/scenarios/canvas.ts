import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { account, ensureCanvasScaleFlow, SOURCES, TARGETS } from "../../e2e/mappings-scale-seed";
import { DEMO_FLOW_NAME } from "../../e2e/records-support";
import { startProductionApp, type ProductionApp } from "../lib/production-app";
import { root } from "../lib/stack";

export type CanvasRow = {
  run: number;
  sources: number;
  targets: number;
  /** navigation to the first source and target values painted (the board read included) */
  firstPaintMs: number;
  /** the board request alone, and its body */
  boardMs: number;
  boardKb: number;
  /** pointer down on a source's handle, 15 pointer moves to a target, release, until the new line is drawn */
  dragToLineMs: number;
  /** the same until the save is confirmed ("Saved: …"; the board is read again after it) */
  dragToSavedMs: number;
  /** the 15 pointer moves of the drag alone, per move (each waits for the page to handle it) */
  dragMoveMs: number;
  /** elements rendered in the two columns (virtualised) */
  renderedValues: number;
  loadAverage1m: number;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The customers canvas at 5,000 billing accounts x 2,000 customers in Chromium, against the production
 * build (`npx next build` first) started as `npm start` starts it, in a data folder of its own, seeded
 * as e2e/mappings-canvas.spec.ts is. First paint is timed from navigation; a drag from the first
 * unmapped account's handle to a customer with the real mouse, until its line is drawn.
 */
export const canvasFigures = async ({ runs = 3, timeoutMs }: { runs?: number; timeoutMs: number }): Promise<{ rows: CanvasRow[]; median: Omit<CanvasRow, "run"> }> => {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("the canvas scenario runs the production build: run `npx next build` first");
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "mlc-bench-canvas-"));
  await chmod(dataDir, 0o755);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] });
  let app: ProductionApp | undefined;
  try {
    app = await startProductionApp({ dataDir, timeoutMs });
    const { baseURL, pgPort, sandboxPort, api } = app;
    // /api/health answers while the start script's demo seed may still run: the scale flow copies the demo flow
    const deadline = Date.now() + Math.min(timeoutMs, 5 * 60_000);
    while (!((await (await api.get("/api/flows")).json()) as { name: string }[]).some((f) => f.name === DEMO_FLOW_NAME)) {
      if (Date.now() > deadline) throw new Error(`the demo flow "${DEMO_FLOW_NAME}" was not seeded in time`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const flowId = await ensureCanvasScaleFlow({ request: api, dataDir, pgPort, sandboxControl: `http://127.0.0.1:${sandboxPort}/_sandbox` });
    const context = await browser.newContext({ baseURL, storageState: await api.storageState(), viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const url = `/mappings?flowId=${flowId}&kind=customer`;
    // the first read fills the catalogue cache from the sandbox: not what an admin waits for after that
    await page.goto(url);
    await page.locator("[data-source-key]").first().waitFor({ timeout: 120_000 });

    const rows: CanvasRow[] = [];
    for (let run = 1; run <= runs; run++) {
      // the board's body is read as it arrives: the page may navigate (its URL is rewritten) before the paint is seen
      const board = page
        .waitForResponse((r) => r.url().includes(`/api/mappings/${flowId}/board`))
        .then(async (r) => {
          const bytes = await r.body().then((b) => b.length, () => r.request().sizes().then((z) => z.responseBodySize));
          return { timing: r.request().timing(), bytes };
        });
      const started = Date.now();
      await page.goto(url, { waitUntil: "commit" });
      await Promise.all([page.locator("[data-source-key]").first().waitFor(), page.locator("[data-target-key]").first().waitFor()]);
      const firstPaintMs = Date.now() - started;
      const { timing, bytes } = await board;
      const boardKb = Math.round(bytes / 1024);
      const renderedValues = await page.locator("[data-source-key], [data-target-key]").count();

      // the account to map comes first among the unmapped ones once searched; the customers column stays whole
      const key = account(4100 + run);
      await page.getByLabel("Search Zuora billing account").fill(key);
      const handle = page.getByTestId(`source-node-${key}`).getByRole("button", { name: `Map ${key}` });
      const target = page.locator("[data-target-key]").nth(3);
      const targetKey = (await target.getAttribute("data-target-key"))!;
      const a = (await handle.boundingBox())!;
      const b = (await target.boundingBox())!;
      const dragStarted = Date.now();
      await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
      await page.mouse.down();
      const movesStarted = Date.now();
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 15 });
      const dragMoveMs = (Date.now() - movesStarted) / 15;
      await page.mouse.up();
      // a level line has no height, so Playwright never calls it "visible": it is drawn once attached
      await page.locator(`[data-testid="mapping-line"][data-source="${key}"][data-target="${targetKey}"]`).waitFor({ state: "attached" });
      const dragToLineMs = Date.now() - dragStarted;
      await page.getByRole("status").filter({ hasText: `Saved: “${key}” → ${targetKey}` }).waitFor();
      const dragToSavedMs = Date.now() - dragStarted;
      rows.push({
        run,
        sources: SOURCES,
        targets: TARGETS,
        firstPaintMs,
        boardMs: Math.round(timing.responseEnd - timing.requestStart),
        boardKb,
        dragToLineMs,
        dragToSavedMs,
        dragMoveMs: Math.round(dragMoveMs * 10) / 10,
        renderedValues,
        loadAverage1m: Math.round(os.loadavg()[0]! * 10) / 10,
      });
    }
    const keys = ["firstPaintMs", "boardMs", "boardKb", "dragToLineMs", "dragToSavedMs", "dragMoveMs", "renderedValues", "loadAverage1m"] as const;
    return { rows, median: { sources: SOURCES, targets: TARGETS, ...(Object.fromEntries(keys.map((k) => [k, median(rows.map((r) => r[k]))])) as Record<(typeof keys)[number], number>) } };
  } finally {
    await browser.close().catch(() => {});
    await app?.stop();
    await rm(dataDir, { recursive: true, force: true }).catch(() => {});
  }
};
