import { expect, test } from "./fixtures";
import { pageAlert } from "./support";
import { SANDBOX_CONTROL } from "./records-support";

type SandboxInfo = {
  zuora: { baseUrl: string; clientId: string; clientSecret: string };
  acumatica: { baseUrl: string; tenant: string; clientId: string; clientSecret: string; username: string; password: string };
};

const suffix = () => Math.random().toString(36).slice(2, 7);

test("an admin adds Zuora and Acumatica connections, tests them, and never gets a secret back", async ({ adminPage: page }) => {
  // four saves, each tested against the sandbox, and four tests: more than the default minute on a busy machine
  test.setTimeout(150_000);
  const info = (await (await page.request.get(`${SANDBOX_CONTROL}/info`)).json()) as SandboxInfo;
  const zuoraName = `Zuora e2e ${suffix()}`;
  const acumaticaName = `Acumatica e2e ${suffix()}`;

  // Zuora: a metadata address is refused before anything is sent, then the sandbox tenant works.
  await page.goto("/connections");
  await page.getByRole("link", { name: "Add Zuora" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Add Zuora connection" })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill(zuoraName);
  // the connector's form: its URL presets, settings and secrets, as the Zuora connector declares them
  await expect(page.getByLabel("Tenant URL", { exact: true })).toContainText("EU Production");
  await page.getByLabel("Tenant URL", { exact: true }).selectOption({ label: "Custom URL…" });
  await page.getByLabel("Custom tenant URL").fill("http://169.254.169.254/latest");
  await page.getByLabel("Client ID").fill(info.zuora.clientId);
  await page.getByLabel("Client secret").fill(info.zuora.clientSecret);
  await page.getByLabel("Callout HMAC secret").fill("e2e-callout-signing-secret");
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(pageAlert(page)).toContainText("link-local or cloud metadata address");

  await expect(page.getByTestId("baseUrl-error")).toContainText("link-local or cloud metadata address");
  await page.getByLabel("Custom tenant URL").fill(info.zuora.baseUrl);
  await page.getByRole("button", { name: "Test connection" }).click();
  const zuoraResult = page.getByTestId("test-result");
  await expect(zuoraResult).toContainText("Connection works");
  await expect(zuoraResult).toContainText("Sign in:");
  await expect(zuoraResult).toContainText("Sample read: Read account");
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByRole("heading", { level: 1, name: zuoraName })).toBeVisible();
  const zuoraId = page.url().split("/").pop()!;
  await expect(page.getByTestId("secret-clientSecret-set")).toHaveText("•••• set");
  await expect(page.getByRole("button", { name: "Replace client secret" })).toBeVisible();

  // The secret is in no answer the browser receives: page HTML, RSC payload, JSON API.
  for (const [what, body] of [
    ["page HTML", await page.content()],
    ["RSC payload", await (await page.request.get(`/connections/${zuoraId}`, { headers: { RSC: "1" } })).text()],
    ["GET /api/connections", await (await page.request.get("/api/connections")).text()],
    ["GET /api/connections/[id]", await (await page.request.get(`/api/connections/${zuoraId}`)).text()],
  ] as const) {
    expect(body.length, what).toBeGreaterThan(100);
    expect(body, what).not.toContain(info.zuora.clientSecret);
    expect(body, what).not.toContain(info.acumatica.password);
  }
  const apiView = (await (await page.request.get(`/api/connections/${zuoraId}`)).json()) as { secretsSet: string[] };
  expect(apiView.secretsSet.sort()).toEqual(["calloutHmacSecret", "clientId", "clientSecret"]);

  // Test the saved connection: the result is stored and shown in the list.
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("test-result")).toContainText("Connection works");
  await expect(page.getByTestId("test-result")).not.toContainText("result not stored");

  // Another host with the secret fields left blank: the stored secrets do not follow the URL; each
  // secret field says so, and nothing is saved. The client ID is an identifier, shown and sent as it stands.
  await page.getByLabel("Custom tenant URL").fill("http://127.0.0.1:9/elsewhere");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("secret-clientSecret-error")).toHaveText(/^Enter the client secret again: the tenant URL changed/);
  await expect(page.getByTestId("secret-calloutHmacSecret-error")).toContainText("again");
  await expect(page.getByLabel("Client ID")).toHaveValue(info.zuora.clientId);
  await expect(page.getByTestId("secret-clientId-error")).toHaveCount(0);
  await page.reload();
  await expect(page.getByLabel("Custom tenant URL")).toHaveValue(info.zuora.baseUrl);

  // Acumatica with an endpoint version the instance does not offer: the test says which ones it does.
  // The system picker lists every registered connector; picking one renders its form.
  await page.goto("/connections/new");
  await expect(page.getByLabel("System").locator("option")).toContainText(["Zuora", "Acumatica"]);
  await page.getByLabel("System").selectOption({ label: "Acumatica" });
  await expect(page.getByRole("heading", { level: 1, name: "Add Acumatica connection" })).toBeVisible();
  await expect(page).toHaveURL(/vendor=acumatica/);
  await page.getByLabel("Name", { exact: true }).fill(acumaticaName);
  await page.getByLabel("Instance URL").fill(info.acumatica.baseUrl);
  await page.getByLabel("Tenant (company)").fill(info.acumatica.tenant);
  await page.getByLabel("Endpoint version").fill("21.200.001");
  await page.getByLabel("Client ID").fill(info.acumatica.clientId);
  await page.getByLabel("Client secret").fill(info.acumatica.clientSecret);
  await page.getByLabel("Username").fill(info.acumatica.username);
  await page.getByLabel("Password").fill(info.acumatica.password);
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByRole("heading", { level: 1, name: acumaticaName })).toBeVisible();
  await page.getByRole("button", { name: "Test connection" }).click();
  const acuResult = page.getByTestId("test-result");
  await expect(acuResult).toContainText("Connection test failed");
  await expect(acuResult).toContainText("Sign in: Signed in as");
  await expect(acuResult).toContainText("This instance does not offer endpoint Default/21.200.001. It offers Default 20.200.001, 22.200.001, 23.200.001, 24.200.001");
  await page.screenshot({ path: test.info().outputPath("connection-wrong-version.png"), fullPage: true });

  // The version is now picked from what the instance offers.
  const version = page.getByLabel("Endpoint version");
  await expect(version.locator("option")).toHaveText(["24.200.001", "23.200.001", "22.200.001", "20.200.001", "21.200.001 (not offered by this instance)"]);
  await version.selectOption("24.200.001");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("main").getByRole("status").filter({ hasText: `Saved ${acumaticaName}` })).toBeVisible();
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("test-result")).toContainText("Connection works");
  await expect(page.getByTestId("test-result")).toContainText("Endpoint Default/24.200.001 is available");

  // The list shows both with their stored test results; the demo connection a flow uses cannot be deleted.
  await page.goto("/connections");
  await expect(page.getByRole("row", { name: new RegExp(zuoraName) })).toContainText("Works");
  await expect(page.getByRole("row", { name: new RegExp(acumaticaName) })).toContainText("Works");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Delete Zuora (sandbox)" }).click();
  await expect(pageAlert(page)).toContainText(`"Zuora (sandbox)" cannot be deleted: the flows "Zuora → Acumatica (demo)", "Zuora → QAD (demo)", "Zuora → IFS Cloud (demo)" use it.`);
  await page.screenshot({ path: test.info().outputPath("connections-list.png"), fullPage: true });

  // An unused connection is deleted.
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: `Delete ${zuoraName}` }).click();
  await expect(page.getByRole("main").getByRole("status")).toHaveText(`Deleted ${zuoraName}.`);
  await expect(page.getByRole("row", { name: new RegExp(zuoraName) })).toHaveCount(0);
  expect((await page.request.get(`/api/connections/${zuoraId}`)).status()).toBe(404);
});
