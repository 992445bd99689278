import { readFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { account, customer, ensureCanvasScaleFlow, heldOnKey, MAPPED, mappedTarget, partnerOf, resetHeldKeys, TARGETS, unmapKeys } from "./mappings-scale-seed";
import { SANDBOX_CONTROL } from "./records-support";

/*
 * The customers canvas at catalogue scale (5,000 billing accounts x 2,000 customers), driven with the
 * real mouse: drags with both columns filtered, search that keeps the partner on screen, the release
 * choices after a save, values mapped in advance, and the export's file name.
 */

test.describe.configure({ mode: "serial" });
// the browser's zone differs from the server's (UTC)
test.use({ timezoneId: "America/New_York", viewport: { width: 1440, height: 900 } });

const SCREENSHOTS = path.join(process.cwd(), "docs", "screenshots");
const ports = { dataDir: process.env.E2E_DATA_DIR, pgPort: Number(process.env.E2E_PG_PORT ?? 5544), sandboxControl: SANDBOX_CONTROL };
const ensureScaleFlow = (request: APIRequestContext) => ensureCanvasScaleFlow({ request, ...ports });
const heldCount = (flowId: string, sourceKey: string) => heldOnKey({ ...ports, flowId, kind: "customer", sourceKey });
const mappingOf = (flowId: string, sourceKey: string) => mappedTarget({ ...ports, flowId, kind: "customer", sourceKey });

/** Scrolls the page so the whole canvas is on screen (it sits below the searches). */
const showCanvas = (page: Page) => page.getByTestId("mapping-canvas").evaluate((el) => el.scrollIntoView({ block: "end" }));

type Point = { x: number; y: number };
const middleOf = async (target: Locator): Promise<Point> => {
  const b = (await target.boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};

/** A drag as a person makes it, once the board has settled: press on the handle, move in steps, release over the target (a value, or a point on the page). */
const dragWithMouse = async (page: Page, from: Locator, to: Locator | ((page: Page) => Promise<Point>)) => {
  await page.waitForLoadState("networkidle");
  await showCanvas(page);
  const a = await middleOf(from);
  const b = typeof to === "function" ? await to(page) : await middleOf(to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + 40, a.y + 5, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 15 });
  await page.mouse.up();
};

/** The drag line's free end, on the page (the line writes it in canvas pixels). */
const dragLineEnd = async (page: Page): Promise<Point> => {
  const canvas = (await page.getByTestId("mapping-canvas").boundingBox())!;
  const line = page.getByTestId("drag-line");
  // the canvas's 1 px border: the flow surface starts inside it
  return { x: canvas.x + 1 + Number(await line.getAttribute("data-end-x")), y: canvas.y + 1 + Number(await line.getAttribute("data-end-y")) };
};

/** The dialog's box is centred on the viewport (within 2 px). */
const expectCentred = async (page: Page, dialog: Locator) => {
  const box = (await dialog.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(Math.abs(box.x + box.width / 2 - viewport.width / 2), "horizontal centre").toBeLessThanOrEqual(2);
  expect(Math.abs(box.y + box.height / 2 - viewport.height / 2), "vertical centre").toBeLessThanOrEqual(2);
};

/** A search reads the board again: at 5,000 x 2,000 on a loaded machine that read alone can take seconds. */
const SEARCHED = { timeout: 30_000 };

const openCanvas = async (page: Page, flowId: string) => {
  await page.goto(`/mappings?flowId=${flowId}&kind=customer`);
  await expect(page.getByTestId("mapping-canvas")).toBeVisible({ timeout: 60_000 });
};

test("at 5,000 x 2,000 values a mapped pair is found by search and its partner is on screen, joined by a line", async ({ adminPage: page }) => {
  test.setTimeout(240_000);
  const flowId = await ensureScaleFlow(page.request);
  await openCanvas(page, flowId);
  await expect(page.getByTestId("pager-sources")).toContainText(/of [5-9],\d{3}/);
  await expect(page.getByTestId("pager-targets")).toContainText(/of 2,\d{3}/);
  // virtualised: a few dozen of the thousands of values are in the page
  expect(await page.locator("[data-source-key]").count()).toBeLessThan(60);
  expect(await page.locator("[data-target-key]").count()).toBeLessThan(60);

  const n = 3777;
  await page.getByLabel("Search Zuora billing account").fill(account(n));
  const source = page.getByTestId(`source-node-${account(n)}`);
  await expect(source).toBeVisible(SEARCHED);
  await expect(source.getByTestId("partner")).toHaveText(`→ ${partnerOf(n)}`);
  // the target column still lists every customer, with the found account's partner first
  const partner = page.getByTestId(`target-node-${partnerOf(n)}`);
  await showCanvas(page);
  await expect(partner).toBeInViewport();
  await expect(page.locator(`[data-testid="mapping-line"][data-source="${account(n)}"][data-target="${partnerOf(n)}"]`)).toHaveCount(1);
  await page.screenshot({ path: path.join(SCREENSHOTS, "mapping-canvas-scale-search.png") });

  // from the other side: a customer search keeps the accounts mapped to it on screen
  await page.getByLabel("Search Zuora billing account").fill("");
  await page.getByLabel("Search Acumatica customer").fill(customer(42));
  await expect(page.getByTestId("pager-targets")).toContainText(/^1–1 of 1 /, SEARCHED);
  await showCanvas(page);
  for (const k of [42, 42 + TARGETS]) await expect(page.getByTestId(`source-node-${account(k)}`)).toBeInViewport();
  await expect(page.getByTestId(`target-node-${customer(42)}`).getByTestId("partner")).toContainText(`← ${account(42)} +1`);
  await expect(page.locator(`[data-testid="mapping-line"][data-target="${customer(42)}"]`)).toHaveCount(2);

  // with no search, a partner far down the other column is one click away
  await page.getByLabel("Search Acumatica customer").fill("");
  await expect(page.getByTestId(`target-node-${customer(TARGETS)}`)).toHaveCount(0);
  await showCanvas(page);
  await page.getByTestId("source-column").evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  const last = page.getByTestId(`source-node-${account(MAPPED)}`);
  await expect(last).toBeInViewport();
  await last.getByTestId("partner").click();
  await expect(page.getByTestId(`target-node-${customer(TARGETS)}`)).toBeInViewport();
  await expect(page.locator(`[data-testid="mapping-line"][data-source="${account(MAPPED)}"][data-target="${customer(TARGETS)}"]`)).toHaveCount(1);
});

test("with both columns filtered, dragging with the mouse from a source's handle lands on the target under the cursor", async ({ adminPage: page }) => {
  test.setTimeout(180_000);
  const flowId = await ensureScaleFlow(page.request);
  // the values this journey maps start unmapped, also when it runs again after a failure
  await unmapKeys({ ...ports, flowId, kind: "customer", sourceKeys: ["ZA-04505", "ZA-04506", "ZA-04507"] });
  await openCanvas(page, flowId);
  await page.getByLabel("Search Zuora billing account").fill("ZA-0450");
  await page.getByLabel("Search Acumatica customer").fill("SC012");
  const source = page.getByTestId("source-node-ZA-04505");
  const target = page.getByTestId("target-node-SC0123");
  const neighbour = page.getByTestId("target-node-SC0124");
  await expect(source).toContainText("unmapped", SEARCHED);
  await expect(target).toBeVisible(SEARCHED);
  await expect(neighbour).toBeVisible();
  await expect(page.getByTestId("source-node-ZA-04600")).toHaveCount(0);
  // both searches applied: 10 accounts and the 20 mapped to the 10 customers found
  await expect(page.getByTestId("pager-sources")).toContainText(/^1–30 of 30 /);
  await expect(page.getByTestId("pager-targets")).toContainText(/^1–10 of 10 /);

  await dragWithMouse(page, source.getByLabel("Map ZA-04505"), target);
  await expect(page.getByRole("status").filter({ hasText: "Saved: “ZA-04505” → SC0123" })).toBeVisible();
  await expect(source.getByTestId("partner")).toHaveText("→ SC0123");
  await expect(page.locator('[data-testid="mapping-line"][data-source="ZA-04505"][data-target="SC0123"]')).toHaveCount(1);
  expect(await mappingOf(flowId, "ZA-04505")).toBe("SC0123");
  await page.screenshot({ path: path.join(SCREENSHOTS, "mapping-canvas-drag-filtered.png") });

  // a drag released between the columns, level with a target, maps nothing
  const betweenColumns = async () => {
    const canvas = (await page.getByTestId("mapping-canvas").boundingBox())!;
    return { x: canvas.x + canvas.width / 2, y: (await middleOf(neighbour)).y };
  };
  await dragWithMouse(page, page.getByTestId("source-node-ZA-04506").getByLabel("Map ZA-04506"), betweenColumns);
  await expect(page.getByTestId("source-node-ZA-04506")).toContainText("unmapped");
  expect(await mappingOf(flowId, "ZA-04506")).toBeNull();

  // without a mouse: Enter on a source's handle picks it, Enter on a target's dot maps it
  const keyed = page.getByTestId("source-node-ZA-04507").getByRole("button", { name: "Map ZA-04507" });
  await keyed.focus();
  await page.keyboard.press("Enter");
  await expect(keyed).toHaveAttribute("aria-pressed", "true");
  await neighbour.getByRole("button", { name: "Map ZA-04507 to SC0124" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Saved: “ZA-04507” → SC0124" })).toBeVisible();
  expect(await mappingOf(flowId, "ZA-04507")).toBe("SC0124");
  // the save placed ZA-04507 among the mapped values at once: reading the board back moves no value under the pointer
  const placed = await source.boundingBox();
  await page.waitForLoadState("networkidle");
  expect(await source.boundingBox()).toEqual(placed);

  // the confirm dialog (remove) opens centred on the viewport, not in the top-left corner
  await source.getByRole("button", { name: "Remove mapping of ZA-04505" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove mapping" });
  await expect(dialog).toBeVisible();
  await expectCentred(page, dialog);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("with both columns filtered and scrolled by the wheel, the drag line stays under the real mouse, the page holds still, and the drop lands on the value under the cursor", async ({ adminPage: page }) => {
  test.setTimeout(180_000);
  const flowId = await ensureScaleFlow(page.request);
  await unmapKeys({ ...ports, flowId, kind: "customer", sourceKeys: ["ZA-04605"] });
  await openCanvas(page, flowId);
  // ZA-04600..ZA-04609 (unmapped) first, then the 200 accounts mapped to SC0100..SC0199: both columns scroll
  await page.getByLabel("Search Zuora billing account").fill("ZA-0460");
  await page.getByLabel("Search Acumatica customer").fill("SC01");
  await expect(page.getByTestId("pager-targets")).toContainText(/of 100 /, SEARCHED);
  await expect(page.getByTestId("source-node-ZA-04600")).toContainText("unmapped", SEARCHED);
  await page.waitForLoadState("networkidle");
  await showCanvas(page);
  const canvas = page.getByTestId("mapping-canvas");
  const box = (await canvas.boundingBox())!;

  // the wheel over each column scrolls that column, not the page
  const pageY = await page.evaluate(() => window.scrollY);
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
  await page.mouse.wheel(0, 104);
  await expect.poll(() => page.getByTestId("source-column").evaluate((el) => el.scrollTop)).toBe(104);
  await page.mouse.move(box.x + box.width * 0.85, box.y + box.height / 2);
  await page.mouse.wheel(0, 2600);
  await expect.poll(() => page.getByTestId("target-column").evaluate((el) => el.scrollTop)).toBe(2600);
  await expect(page.getByTestId("target-node-SC0100")).toHaveCount(0);
  expect(await page.evaluate(() => window.scrollY)).toBe(pageY);

  // the target: the customer now in the middle of the scrolled column
  const targetKey = await page.locator("[data-target-key]").evaluateAll((els, middle) => {
    const at = els.map((el) => ({ key: (el as HTMLElement).dataset.targetKey!, y: el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2 }));
    return at.sort((a, b) => Math.abs(a.y - middle) - Math.abs(b.y - middle))[0]!.key;
  }, box.y + box.height / 2);
  expect(targetKey).toMatch(/^SC01\d\d$/);
  const target = page.getByTestId(`target-node-${targetKey}`);
  const source = page.getByTestId("source-node-ZA-04605");
  await expect(source).toBeInViewport();

  const from = await middleOf(source.getByLabel("Map ZA-04605"));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  // between the columns, the line ends under the cursor
  const between = { x: box.x + box.width / 2, y: box.y + 120 };
  await page.mouse.move(between.x, between.y, { steps: 10 });
  await expect(page.getByTestId("drag-line")).toHaveCount(1);
  const end = await dragLineEnd(page);
  expect(Math.abs(end.x - between.x), "line end x").toBeLessThanOrEqual(1);
  expect(Math.abs(end.y - between.y), "line end y").toBeLessThanOrEqual(1);

  // the reported failure: the page scrolled by 97 px during the drag; the wheel above the canvas and a
  // scroll by script both leave the page (and so the canvas) where the drag began
  await page.mouse.move(between.x, box.y - 20, { steps: 5 });
  await page.mouse.wheel(0, 97);
  await page.evaluate(() => window.scrollBy(0, 97));
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(pageY);
  await page.mouse.move(between.x, between.y, { steps: 5 });
  const endAfter = await dragLineEnd(page);
  expect(Math.abs(endAfter.y - between.y), "line end y after the page was scrolled").toBeLessThanOrEqual(1);

  // what the page cannot hold: the layout above the canvas grows by 97 px during the drag (xyflow
  // measures the pointer against the canvas box read at the drag's start); the line's end and the drop
  // still follow the cursor
  await canvas.evaluate((el) => (el.style.marginTop = "97px"));
  await page.mouse.move(between.x, between.y + 10, { steps: 3 });
  const endShifted = await dragLineEnd(page);
  expect(Math.abs(endShifted.y - (between.y + 10)), "line end y after the canvas moved down 97 px").toBeLessThanOrEqual(1);
  expect(Math.abs(endShifted.x - between.x), "line end x after the canvas moved down 97 px").toBeLessThanOrEqual(1);

  // over the target the line ends on it, the value is lit as the drop target, and the release maps it
  const over = await middleOf(target);
  await page.mouse.move(over.x, over.y, { steps: 15 });
  await expect(page.getByTestId("drag-line")).toHaveAttribute("data-status", "valid");
  await expect(target.locator(".react-flow__handle.connectingto.valid")).toHaveCount(1);
  const onTarget = await dragLineEnd(page);
  const t = (await target.boundingBox())!;
  expect(onTarget.y, "line ends level with the value under the cursor").toBeGreaterThanOrEqual(t.y);
  expect(onTarget.y).toBeLessThanOrEqual(t.y + t.height);
  await page.screenshot({ path: path.join(SCREENSHOTS, "mapping-canvas-drag-scrolled.png") });
  await page.mouse.up();
  await canvas.evaluate((el) => (el.style.marginTop = ""));
  await expect(page.getByRole("status").filter({ hasText: `Saved: “ZA-04605” → ${targetKey}` })).toBeVisible();
  expect(await mappingOf(flowId, "ZA-04605")).toBe(targetKey);
  await expect(page.getByTestId("drag-line")).toHaveCount(0);
});

test("after saving a mapping the admin keeps the records held, releases them later from the canvas, then lets the flow release by itself", async ({ adminPage: page }) => {
  test.setTimeout(180_000);
  const flowId = await ensureScaleFlow(page.request);
  await resetHeldKeys({ ...ports, flowId, sourceKeys: ["ZA-HELD-1", "ZA-HELD-2"] });
  await openCanvas(page, flowId);
  await page.getByLabel("Search Zuora billing account").fill("ZA-HELD");
  await page.getByLabel("Search Acumatica customer").fill("SC0007");
  const held = page.getByTestId("source-node-ZA-HELD-1");
  await expect(held).toContainText("2 held", SEARCHED);
  await expect(page.getByTestId("pager-targets")).toContainText(/^1–1 of 1 /);

  await dragWithMouse(page, held.getByLabel("Map ZA-HELD-1"), page.getByTestId("target-node-SC0007"));
  const dialog = page.getByRole("dialog", { name: "Saved: “ZA-HELD-1” → SC0007" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("2 held records wait on this mapping");
  await expectCentred(page, dialog);
  await page.screenshot({ path: path.join(SCREENSHOTS, "mapping-release-dialog.png") });
  await dialog.getByRole("button", { name: "Keep held" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "2 records stay held" })).toBeVisible();
  expect(await heldCount(flowId, "ZA-HELD-1")).toBe(2);

  // the way back is on this page: the banner and the value's own button
  const ready = page.getByRole("region", { name: "Held records ready" });
  await expect(ready).toContainText("2 held records have every");
  await expect(held.getByRole("button", { name: "Release 2 held records of ZA-HELD-1" })).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, "mapping-kept-held.png") });
  await held.getByRole("button", { name: "Release 2 held records of ZA-HELD-1" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Released 2 held records" })).toBeVisible();
  await expect(ready).toBeHidden();
  expect(await heldCount(flowId, "ZA-HELD-1")).toBe(0);

  // the flow setting: from now on a saved mapping releases by itself, no question asked
  await page.getByLabel("Release held records by themselves when their mapping is saved").check();
  await expect(page.getByRole("status").filter({ hasText: "releases held records by themselves" })).toBeVisible();
  await dragWithMouse(page, page.getByTestId("source-node-ZA-HELD-2").getByLabel("Map ZA-HELD-2"), page.getByTestId("target-node-SC0007"));
  await expect(page.getByRole("status").filter({ hasText: "Released 2 held records by themselves" })).toBeVisible();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  expect(await heldCount(flowId, "ZA-HELD-2")).toBe(0);
  await page.getByLabel("Release held records by themselves when their mapping is saved").uncheck();
  await expect(page.getByRole("status").filter({ hasText: "asks after each saved mapping" })).toBeVisible();
});

test("a billing account not billed yet is mapped in advance by hand, and the export is named after the flow, kind and day", async ({ adminPage: page }) => {
  test.setTimeout(120_000);
  const flowId = await ensureScaleFlow(page.request);
  await openCanvas(page, flowId);
  const form = page.getByRole("form", { name: "Map a value in advance" });
  await form.getByLabel("Zuora billing account not seen yet").fill("ZA-FUTURE-1");
  await form.getByLabel("Maps to Acumatica customer").fill("SC0100");
  await form.getByRole("button", { name: "Map in advance" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved: “ZA-FUTURE-1” → SC0100" })).toBeVisible();
  await page.getByLabel("Search Zuora billing account").fill("ZA-FUTURE");
  await expect(page.getByTestId("source-node-ZA-FUTURE-1").getByTestId("partner")).toHaveText("→ SC0100");
  expect(await mappingOf(flowId, "ZA-FUTURE-1")).toBe("SC0100");

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await downloading;
  const today = new Date().toISOString().slice(0, 10);
  expect(file.suggestedFilename()).toBe(`Canvas at scale (e2e) - customer mappings - ${today}.csv`);
  const csv = readFileSync((await file.path())!, "utf8");
  expect(csv).toContain("ZA-FUTURE-1");
  expect(csv).not.toContain("gl-account");
});
