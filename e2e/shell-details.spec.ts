import { expect, test } from "./fixtures";
import { DEMO_FLOW_NAME } from "./records-support";

type RecordRow = { id: string; status: string };

/** The first records of the demo flow once its first poll has read some (the backfill runs at start). */
const demoRecords = async (page: import("@playwright/test").Page, objectType?: string) => {
  const flows = (await (await page.request.get("/api/flows")).json()) as { id: string; name: string }[];
  const demo = flows.find((f) => f.name === DEMO_FLOW_NAME)!;
  let rows: RecordRow[] = [];
  await expect
    .poll(
      async () => {
        rows = ((await (await page.request.get(`/api/records?flowId=${demo.id}&limit=50${objectType ? `&objectType=${objectType}` : ""}`)).json()) as { items: RecordRow[] }).items;
        return rows.length;
      },
      { timeout: 180_000 },
    )
    .toBeGreaterThan(0);
  return rows;
};

/** Issue 18, item 9: the small things an admin notices in the first hour. */
test.describe("the app shell's details", () => {
  test("the favicon is served (no 404 in every page's console)", async ({ adminPage: page }) => {
    const res = await page.request.get("/favicon.ico");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
  });

  test("the sidebar stays beside the page on a long record, and a click on it shows at once that it was taken", async ({ adminPage: page }) => {
    await page.setViewportSize({ width: 1280, height: 560 });
    const [invoice] = await demoRecords(page, "invoice");
    await page.goto(`/records/${invoice!.id}`);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    // the invoice as Zuora sent it, opened: a page longer than the window
    await page.getByText("Source payload (as fetched)").click();
    // the page is longer than the window: scrolled to its end, the sidebar still fills the window
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(pageHeight).toBeGreaterThan(560);
    await page.mouse.move(700, 400);
    await page.mouse.wheel(0, pageHeight);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    const sidebar = page.locator("aside").first();
    const box = (await sidebar.boundingBox())!;
    expect(Math.round(box.y)).toBe(0);
    expect(Math.round(box.height)).toBe(560);
    await page.screenshot({ path: "docs/screenshots/shell-sidebar-long-page.png" });

    // a slow network: the Records link shows it is loading the moment it is clicked
    await page.route("**/records**", async (route) => {
      if (route.request().headers()["rsc"]) await new Promise((r) => setTimeout(r, 2_000));
      await route.continue();
    });
    const records = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Records" });
    await records.click();
    await expect(records.getByTestId("nav-pending")).toBeVisible({ timeout: 1_000 });
    await expect(page).toHaveURL(/\/records$/, { timeout: 15_000 });
    await expect(records.getByTestId("nav-pending")).toHaveCount(0);
  });

  test("at 1024 px amounts and dates stay on one line, and the chart explains a bar when pointed at", async ({ adminPage: page }) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await demoRecords(page);
    await page.goto("/records");
    const table = page.getByRole("table");
    await expect(table.getByRole("row").nth(1)).toBeVisible();
    // every cell of the amount, document date and received columns is one line high
    const heights = await table.evaluate((t) => {
      const head = [...t.querySelectorAll("thead th")].map((th) => th.textContent ?? "");
      const columns = head.map((h, i) => (/^(Amount|Document date|Received)/.test(h) ? i : -1)).filter((i) => i >= 0);
      return [...t.querySelectorAll("tbody tr")].flatMap((tr) =>
        columns.map((i) => {
          const cell = tr.children[i] as HTMLElement;
          const line = parseFloat(getComputedStyle(cell).lineHeight);
          const range = document.createRange();
          range.selectNodeContents(cell);
          return { text: cell.textContent ?? "", lines: Math.round(range.getBoundingClientRect().height / line) };
        }),
      );
    });
    expect(heights.length).toBeGreaterThan(0);
    expect(heights.filter((h) => h.text.trim() !== "" && h.lines > 1)).toEqual([]);
    await page.screenshot({ path: "docs/screenshots/records-1024px.png", fullPage: true });

    // the dashboard's chart: pointing at a day's bar shows that day's counts
    await page.goto("/");
    const chart = page.getByRole("figure", { name: "Records per day, last 30 days" });
    await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible({ timeout: 30_000 });
    const bar = (await chart.locator(".recharts-bar-rectangle path").last().boundingBox())!;
    await page.mouse.move(bar.x + bar.width / 2, bar.y + Math.min(bar.height / 2, 4), { steps: 5 });
    const tooltip = chart.locator(".recharts-tooltip-wrapper");
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText("(UTC)");
    await expect(tooltip).toContainText(/Posted|Pending|Held|Failed/);
    await page.screenshot({ path: "docs/screenshots/dashboard-chart-tooltip.png" });
  });
});
