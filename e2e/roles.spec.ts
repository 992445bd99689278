import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN, pageAlert, signIn, uniqueEmail } from "./support";

test.describe.configure({ mode: "serial" });

const viewer = { email: uniqueEmail("viewer"), password: "" };
let inviteActionId = "";

const invite = async (page: Page, email: string, role: "Viewer" | "Admin") => {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: role });
  const actionRequest = page.waitForRequest((req) => req.method() === "POST" && !!req.headers()["next-action"]);
  await page.getByRole("button", { name: "Invite user" }).click();
  return (await actionRequest).headers()["next-action"]!;
};

test("an admin invites a viewer and sees the initial password once", async ({ page }) => {
  await signIn(page, E2E_ADMIN);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();

  inviteActionId = await invite(page, viewer.email, "Viewer");
  await expect(page.getByRole("status").filter({ hasText: viewer.email })).toContainText("shown only once");
  viewer.password = (await page.getByTestId("initial-password").textContent())!.trim();
  expect(viewer.password.length).toBeGreaterThanOrEqual(20);
  await expect(page.getByRole("cell", { name: viewer.email, exact: true })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(viewer.email) })).toContainText("Viewer");

  await invite(page, viewer.email, "Viewer");
  await expect(pageAlert(page)).toHaveText(`A user with the e-mail ${viewer.email} already exists.`);

  await invite(page, "not-an-email", "Viewer");
  await expect(pageAlert(page)).toHaveText("email: Enter a valid e-mail address");
});

test("a viewer signs in, sees no invite form, and the server refuses the invite action", async ({ page }) => {
  expect(viewer.password, "the invite journey must run first").not.toBe("");
  await signIn(page, viewer);
  await expect(page.getByTestId("current-user")).toContainText(viewer.email);
  await expect(page.getByTestId("current-user")).toContainText("Viewer");

  await page.goto("/settings/users");
  await expect(page.getByText("You have viewer access. Only an admin can invite users")).toBeVisible();
  await expect(page.getByRole("button", { name: "Invite user" })).toHaveCount(0);

  // Hiding the button is not the protection: call the same server action the admin's form called.
  const sneaky = uniqueEmail("sneaky");
  const res = await page.request.post("/settings/users", {
    headers: { "Next-Action": inviteActionId, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component" },
    data: JSON.stringify([{ email: sneaky, role: "admin" }]),
  });
  expect(res.status()).toBe(200);
  const body = await res.text();
  expect(body).toContain('"ok":false');
  expect(body).toContain('"code":"FORBIDDEN"');
  expect(body).toContain("Only an admin can do this.");
  expect(body).not.toContain("initialPassword");

  await expect(page.getByRole("combobox", { name: `Role of ${viewer.email}` })).toHaveCount(0);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
  await page.getByLabel("Current password").fill("not-my-password");
  await page.getByLabel("New password").fill("viewer-own-password-1");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(pageAlert(page)).toHaveText("The current password is not correct.");
  await page.getByLabel("Current password").fill(viewer.password);
  await page.getByLabel("New password").fill("viewer-own-password-1");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("main").getByRole("status")).toHaveText(/Password changed/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await signIn(page, { email: viewer.email, password: viewer.password }, { expectSuccess: false });
  await expect(pageAlert(page)).toHaveText("Email or password is incorrect.");
  viewer.password = "viewer-own-password-1";
  await signIn(page, viewer);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page, E2E_ADMIN);
  await page.goto("/settings/users");
  await expect(page.getByRole("cell", { name: viewer.email, exact: true })).toBeVisible();
  await expect(page.getByRole("cell", { name: sneaky, exact: true })).toHaveCount(0);
});

test("an admin changes roles, but the only admin cannot demote themselves", async ({ page }) => {
  await signIn(page, E2E_ADMIN);
  await page.goto("/settings/users");
  await page.getByRole("combobox", { name: `Role of ${E2E_ADMIN.email}` }).selectOption("viewer");
  await expect(pageAlert(page)).toHaveText("This is the only admin. Make another user admin first.");
  await expect(page.getByRole("combobox", { name: `Role of ${E2E_ADMIN.email}` })).toHaveValue("admin");

  // Each change is a server action: wait for its answer before reloading, or the reload races it.
  const actionDone = () => page.waitForResponse((r) => r.request().method() === "POST" && !!r.request().headers()["next-action"]);
  const viewerRole = page.getByRole("combobox", { name: `Role of ${viewer.email}` });
  await Promise.all([actionDone(), viewerRole.selectOption("admin")]);
  await expect(viewerRole).toHaveValue("admin");
  await page.reload();
  await expect(page.getByRole("combobox", { name: `Role of ${viewer.email}` })).toHaveValue("admin");
  await Promise.all([actionDone(), page.getByRole("combobox", { name: `Role of ${viewer.email}` }).selectOption("viewer")]);
  await page.reload();
  await expect(page.getByRole("combobox", { name: `Role of ${viewer.email}` })).toHaveValue("viewer");
});

test("an admin removes a user, whose open session ends at once; the only admin cannot remove themselves", async ({ page, browser }) => {
  await signIn(page, E2E_ADMIN);
  await page.goto("/settings/users");
  const leaver = { email: uniqueEmail("leaver"), password: "" };
  await invite(page, leaver.email, "Viewer");
  leaver.password = (await page.getByTestId("initial-password").textContent())!.trim();

  const other = await browser.newContext();
  const leaverPage = await other.newPage();
  await signIn(leaverPage, leaver);
  expect((await leaverPage.request.get("/api/me")).status()).toBe(200);

  page.on("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: `Remove ${leaver.email}` }).click();
  await expect(page.getByRole("cell", { name: leaver.email, exact: true })).toHaveCount(0);
  expect((await leaverPage.request.get("/api/me")).status()).toBe(401);
  await leaverPage.goto("/records");
  await expect(leaverPage).toHaveURL(/\/login/);
  await other.close();

  await page.getByRole("button", { name: `Remove ${E2E_ADMIN.email}` }).click();
  await expect(pageAlert(page)).toHaveText("This is the only admin. Make another user admin first.");
  await expect(page.getByRole("row", { name: new RegExp(E2E_ADMIN.email) })).toBeVisible();
});
