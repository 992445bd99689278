import { expect, test } from "@playwright/test";
import { E2E_ADMIN, NAV_LABELS, pageAlert, signIn, uniqueEmail } from "./support";

test("admin signs in, finds the shell and every section, and signs out", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2F$/);
  await signIn(page, E2E_ADMIN);
  await expect(page).toHaveURL(/\/$/);

  const nav = page.getByRole("navigation", { name: "Main" });
  for (const label of NAV_LABELS) await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Dashboard" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("current-user")).toContainText(E2E_ADMIN.email);
  await expect(page.getByTestId("current-user")).toContainText("Admin");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  // start.ts runs a worker, so the dashboard must see its heartbeat.
  await expect(page.getByText(/1 running, last seen \d+s ago|\d+ running/)).toBeVisible();

  // npm start seeds demo connections and a demo flow against the sandbox, so each section has content.
  const sections = [
    ["Connections", "Zuora (sandbox)"],
    ["Flows", "Zuora → Acumatica (demo)"],
    ["Mappings", null],
    ["Records", null],
  ] as const;
  for (const [label, demoContent] of sections) {
    await nav.getByRole("link", { name: label, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
    await expect(nav.getByRole("link", { name: label, exact: true })).toHaveAttribute("aria-current", "page");
    if (demoContent) await expect(page.getByText(demoContent).first()).toBeVisible();
  }

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/records");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Frecords$/);
});

test("signed-out visits to any page go to the login page and come back after signing in", async ({ page }) => {
  for (const path of ["/records", "/connections", "/flows", "/mappings", "/settings/users", "/records?status=held"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    await expect(page).toHaveURL(`/login?callbackUrl=${encodeURIComponent(path)}`);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  }
  await signIn(page, E2E_ADMIN);
  await expect(page).toHaveURL("/records?status=held");
  await expect(page.getByRole("heading", { level: 1, name: "Records" })).toBeVisible();
});

test("a login link cannot send the user to another site after sign-in", async ({ page }) => {
  await page.goto("/login?callbackUrl=https%3A%2F%2Fevil.example%2F");
  await signIn(page, E2E_ADMIN);
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test("a callbackUrl with a tab before a second slash stays on the app, before and after signing in", async ({ page, request }) => {
  const hostile = "/login?callbackUrl=%2F%09%2Fevil.example%2Fphish";
  await page.goto(hostile);
  await signIn(page, E2E_ADMIN);
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);

  // Already signed in: the server answers the login page itself with a redirect, which must be local too.
  const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const response = await request.get(hostile, { headers: { cookie: cookies }, maxRedirects: 0 });
  expect(response.status()).toBe(307);
  const location = response.headers()["location"] ?? "";
  expect(new URL(location, page.url()).origin).toBe(new URL(page.url()).origin);
  await page.goto(hostile);
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test("a copied session cookie stops working once its owner signs out", async ({ page, playwright, baseURL }) => {
  await page.goto("/login");
  await signIn(page, E2E_ADMIN);
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const copy = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { cookie } });
  expect((await copy.get("/api/me")).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect((await copy.get("/api/me")).status()).toBe(401);
  await copy.dispose();
});

test("pages run under a nonce-based Content-Security-Policy without violations; a malformed path is a 400", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) violations.push(m.text());
  });
  const login = await page.goto("/login");
  expect(login?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  await signIn(page, E2E_ADMIN);
  for (const label of ["Connections", "Flows", "Mappings", "Records"]) {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
  }
  expect(violations).toEqual([]);

  for (const path of ["/records/%E0%A4%A", "/api/records/%E0%A4%A"]) {
    const response = await page.request.get(path);
    expect([400, 404], path).toContain(response.status());
  }
});

test("the favicon, app icons, robots.txt and manifest are served without a session", async ({ request }) => {
  for (const [file, type] of [
    ["/favicon.ico", /icon/],
    ["/icon.svg", /svg/],
    ["/apple-touch-icon.png", /png/],
    ["/robots.txt", /text\/plain/],
    ["/site.webmanifest", /manifest|json/],
  ] as const) {
    const response = await request.get(file, { maxRedirects: 0 });
    expect(response.status(), file).toBe(200);
    expect(response.headers()["content-type"], file).toMatch(type);
  }
});

test("a wrong password and an unknown e-mail get the same clear error", async ({ page }) => {
  await page.goto("/login");
  await signIn(page, { email: E2E_ADMIN.email, password: "not-the-password-0" }, { expectSuccess: false });
  await expect(pageAlert(page)).toHaveText("Email or password is incorrect.");
  await expect(page).toHaveURL(/\/login/);

  await signIn(page, { email: uniqueEmail("nobody"), password: E2E_ADMIN.password }, { expectSuccess: false });
  await expect(pageAlert(page)).toHaveText("Email or password is incorrect.");

  // One failure does not lock the admin out, and the success clears the count.
  await signIn(page, E2E_ADMIN);
});

test("repeated failures are refused for a while with a clear message", async ({ page }) => {
  const email = uniqueEmail("locked");
  await page.goto("/login");
  for (let i = 0; i < 5; i++) {
    await signIn(page, { email, password: `wrong-password-${i}` }, { expectSuccess: false });
    await expect(pageAlert(page)).toHaveText("Email or password is incorrect.");
  }
  await signIn(page, { email, password: "wrong-password-5" }, { expectSuccess: false });
  // The first delay past the free failures is half a minute (lib/auth/login-throttle-policy.ts).
  await expect(pageAlert(page)).toHaveText("Too many attempts. Try again in 1 minute.");
});
