import { expect, test } from "./fixtures";
import { E2E_ADMIN } from "./support";

test("the login form and the shell work from the keyboard alone", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByLabel("Email")).toBeFocused();
  await page.keyboard.type(E2E_ADMIN.email);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(E2E_ADMIN.password);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();

  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();

  await page.keyboard.press("Tab"); // the product name, a link to the dashboard
  await page.keyboard.press("Tab"); // Dashboard
  await page.keyboard.press("Tab"); // Connections
  await expect(page.getByRole("link", { name: "Connections", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Connections" })).toBeVisible();
});

test("a signed-in user who opens the login page goes straight to the app", async ({ adminPage: page }) => {
  await page.goto("/login?callbackUrl=%2Fflows");
  await expect(page).toHaveURL(/\/flows$/);
  await expect(page.getByRole("heading", { level: 1, name: "Flows" })).toBeVisible();
});
