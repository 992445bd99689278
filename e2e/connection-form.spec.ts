import { expect, test } from "./fixtures";
import { SANDBOX_CONTROL } from "./records-support";

type SandboxInfo = { acumatica: { baseUrl: string; tenant: string; clientId: string; clientSecret: string; username: string; password: string } };

const suffix = () => Math.random().toString(36).slice(2, 7);

/**
 * The connection form as an admin meets it (issue 18, item 8): every problem shown at its field at
 * once, identifiers (client ID, username) readable, a failed test not saved without a warning, and a
 * saved connection's status telling the truth after a change that does not touch its credentials.
 */
test("the connection form shows every problem at its field, warns before saving a failing connection, and keeps an honest status", async ({ adminPage: page }) => {
  test.setTimeout(120_000);
  const info = (await (await page.request.get(`${SANDBOX_CONTROL}/info`)).json()) as SandboxInfo;
  const name = `Acumatica form ${suffix()}`;

  await page.goto("/connections/new?vendor=acumatica");
  await expect(page.getByRole("heading", { level: 1, name: "Add Acumatica connection" })).toBeVisible();

  // Nothing filled in: each missing field says so beside itself, all at once, and the summary names how many.
  const nameInput = page.getByLabel("Name", { exact: true });
  await nameInput.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Backspace");
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByTestId("name-error")).toHaveText("Give the connection a name");
  await expect(page.getByTestId("baseUrl-error")).toContainText("Enter the full URL");
  for (const secret of ["clientId", "clientSecret", "username", "password"]) await expect(page.getByTestId(`secret-${secret}-error`)).toBeVisible();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(/6 fields need attention/);
  // The first problem has the focus, so the keyboard starts where the fixing does.
  await expect(nameInput).toBeFocused();
  await page.screenshot({ path: "docs/screenshots/connection-form-errors.png", fullPage: true });

  // Fill it in with the keyboard; the client ID and the username are identifiers, not secrets: shown as typed.
  await page.keyboard.type(name);
  await page.getByLabel("Instance URL").fill(info.acumatica.baseUrl);
  await page.getByLabel("Tenant (company)").fill(info.acumatica.tenant);
  await expect(page.getByLabel("Client ID")).toHaveAttribute("type", "text");
  await expect(page.getByLabel("Username")).toHaveAttribute("type", "text");
  await expect(page.getByLabel("Password")).toHaveAttribute("type", "password");
  await expect(page.getByLabel("Client secret")).toHaveAttribute("type", "password");
  await page.getByLabel("Client ID").fill(info.acumatica.clientId);
  await page.getByLabel("Client secret").fill(info.acumatica.clientSecret);
  await page.getByLabel("Username").fill(info.acumatica.username);
  await page.getByLabel("Password").fill("not-the-password");
  // The errors go as each field is fixed.
  await expect(page.getByTestId("name-error")).toHaveCount(0);
  await expect(page.getByTestId("secret-username-error")).toHaveCount(0);

  // A test that fails, then Save: the form warns and saves nothing until told to.
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("test-result")).toContainText("Connection test failed");
  await page.getByRole("button", { name: "Save connection" }).click();
  const warning = page.getByRole("alertdialog", { name: "Save a connection whose test failed?" });
  await expect(warning).toBeVisible();
  await expect(warning).toContainText("Sign in:");
  await page.screenshot({ path: "docs/screenshots/connection-form-failed-test-warning.png", fullPage: true });
  await warning.getByRole("button", { name: "Keep editing" }).click();
  await expect(warning).toHaveCount(0);
  await expect(page).toHaveURL(/\/connections\/new/);

  // The right password: Save tests what it saved, and the connection is shown working.
  await page.getByLabel("Password").fill(info.acumatica.password);
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByTestId("test-result")).toContainText("Connection works");
  await expect(page.getByLabel("Client ID")).toHaveValue(info.acumatica.clientId);
  await expect(page.getByLabel("Username")).toHaveValue(info.acumatica.username);
  await expect(page.getByTestId("secret-password-set")).toHaveText("•••• set");
  await page.goto("/connections");
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("Works");

  // A setting that is not a credential (Branch) changes: the status still says Works, tested again.
  await page.getByRole("row", { name: new RegExp(name) }).getByRole("link", { name }).click();
  await page.getByLabel("Branch (optional)").fill("HEADOFFICE");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("main").getByRole("status").filter({ hasText: `Saved ${name}` })).toBeVisible();
  await expect(page.getByTestId("test-result")).toContainText("Connection works");
  await page.goto("/connections");
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("Works");
  await expect(page.getByRole("row", { name: new RegExp(name) })).not.toContainText("Not tested");

  // The identifiers are in the page; the secrets are not.
  await page.getByRole("row", { name: new RegExp(name) }).getByRole("link", { name }).click();
  const html = await page.content();
  expect(html).toContain(info.acumatica.username);
  expect(html).not.toContain(info.acumatica.password);
  expect(html).not.toContain(info.acumatica.clientSecret);
});
