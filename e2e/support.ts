import { expect, type Page } from "@playwright/test";

/** The first admin `scripts/start.ts` creates from ADMIN_EMAIL / ADMIN_PASSWORD (see playwright.config.ts). */
export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password-2026" } as const;

/** The sidebar destinations every signed-in user must see. */
export const NAV_LABELS = ["Dashboard", "Connections", "Flows", "Mappings", "Records", "Users", "Account"] as const;

/** A unique address per call, so journeys never depend on each other's users or throttle rows. */
export const uniqueEmail = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@e2e.test`;

/** Signs in through the login form; with `expectSuccess` waits until the app shell is shown. */
export const signIn = async (page: Page, { email, password }: { email: string; password: string }, { expectSuccess = true } = {}) => {
  if (!page.url().includes("/login")) await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (expectSuccess) await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
};

/** Our error messages (Next's route announcer is also role="alert", but lives outside <main>). */
export const pageAlert = (page: Page) => page.getByRole("main").getByRole("alert");

/** React's hydration mismatch (#418 and friends) and any other page error, as the browser reports them. */
export const collectPageErrors = (page: Page) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && /Minified React error|Hydration|did not match/i.test(m.text())) errors.push(m.text());
  });
  return errors;
};
