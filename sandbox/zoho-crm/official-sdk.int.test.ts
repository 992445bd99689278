import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as ZOHOCRMSDK from "@zohocrm/typescript-sdk-8.0";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";

/*
 * Zoho's official TypeScript SDK (@zohocrm/typescript-sdk-8.0, Apache-2.0), unmodified, against the sandbox
 * through its own Environment class: the SDK fetches a token from the sandbox's accounts server, keeps the
 * Environment because api_domain is not a Zoho host, reads /users, /org and /settings/fields before its
 * first record call, then upserts and reads pages with page_token.
 */

describe("Zoho's official TypeScript SDK against the Zoho CRM sandbox", () => {
  let sandbox: RunningSandbox;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    await sandbox.control.zohoCrm.addField({ module: "Accounts", api_name: "Acumatica_Customer_ID", data_type: "text", unique: true });
    await sandbox.control.zohoCrm.addRecords(
      "Accounts",
      Array.from({ length: 250 }, (_, n) => ({ Account_Name: `Seeded Account ${n + 1}`, Acumatica_Customer_ID: `C${String(n + 1).padStart(5, "0")}` })),
    );
    dir = await mkdtemp(path.join(tmpdir(), "zoho-sdk-"));
    const credentials = sandbox.credentials["zoho-crm"];
    const environment = new ZOHOCRMSDK.Environment(credentials.apiDomain, `${credentials.accountsUrl}/oauth/v2/token`, credentials.apiDomain);
    const token = new ZOHOCRMSDK.OAuthBuilder().clientId(credentials.clientId).clientSecret(credentials.clientSecret).refreshToken(credentials.refreshToken).build();
    const logger = new ZOHOCRMSDK.LogBuilder().level(ZOHOCRMSDK.Levels.OFF).filePath(path.join(dir, "sdk.log")).build();
    await (await new ZOHOCRMSDK.InitializeBuilder())
      .environment(environment)
      .token(token)
      .store(new ZOHOCRMSDK.FileStore(path.join(dir, "tokens.txt")))
      .SDKConfig(new ZOHOCRMSDK.SDKConfigBuilder().pickListValidation(false).autoRefreshFields(false).build())
      .resourcePath(dir)
      .logger(logger)
      .initialize();
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const upsert = async (name: string, customerId: string) => {
    const record = new ZOHOCRMSDK.Record.Record();
    record.addFieldValue(ZOHOCRMSDK.Record.Field.Accounts.ACCOUNT_NAME, name);
    record.addKeyValue("Acumatica_Customer_ID", customerId);
    const body = new ZOHOCRMSDK.Record.BodyWrapper();
    body.setData([record]);
    body.setDuplicateCheckFields(["Acumatica_Customer_ID"]);
    const response = await new ZOHOCRMSDK.Record.RecordOperations("Accounts").upsertRecords(body);
    const wrapper = response?.getObject();
    if (!(wrapper instanceof ZOHOCRMSDK.Record.ActionWrapper)) throw new Error(`upsert answered ${response?.getStatusCode()}: ${JSON.stringify(wrapper)}`);
    const [result] = wrapper.getData();
    if (!(result instanceof ZOHOCRMSDK.Record.SuccessResponse)) throw new Error(`upsert record failed: ${JSON.stringify(result)}`);
    return { status: response?.getStatusCode(), action: result.getAction().getValue(), id: String(result.getDetails().get("id")), duplicateField: result.getDuplicateField() ?? null };
  };

  it("upserts an account: inserts once, then updates the same record by duplicate_check_fields", async () => {
    const first = await upsert("Orbit Logistics Inc.", "C90001");
    expect(first).toMatchObject({ action: "insert", duplicateField: null });
    const second = await upsert("Orbit Logistics Incorporated", "C90001");
    expect(second).toMatchObject({ action: "update", id: first.id, duplicateField: "Acumatica_Customer_ID" });
    const stored = (await sandbox.control.zohoCrm.records("Accounts")).filter((r) => r.Acumatica_Customer_ID === "C90001");
    expect(stored).toHaveLength(1);
    expect(stored[0]?.Account_Name).toBe("Orbit Logistics Incorporated");
    // Before its first record call the SDK read who the token belongs to and the module's field metadata
    // (/settings/modules only for modules missing from its built-in list, which has Accounts).
    const { byRoute } = (await sandbox.control.zohoCrm.stats()) as { byRoute: Record<string, number> };
    for (const route of ["GET /crm/v8/users", "GET /crm/v8/org", "GET /crm/v8/settings/fields", "POST /crm/v8/:module/upsert"]) {
      expect(byRoute[route] ?? 0, `${route} in ${JSON.stringify(byRoute)}`).toBeGreaterThan(0);
    }
    expect(await readdir(dir)).toContain("tokens.txt");
  });

  it("reads every account in pages of 100, following next_page_token", async () => {
    const seen = new Set<string>();
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const params = new ZOHOCRMSDK.ParameterMap();
      await params.add(ZOHOCRMSDK.Record.GetRecordsParam.FIELDS, "Account_Name,Acumatica_Customer_ID,Modified_Time");
      if (pageToken) await params.add(ZOHOCRMSDK.Record.GetRecordsParam.PAGE_TOKEN, pageToken);
      else await params.add(ZOHOCRMSDK.Record.GetRecordsParam.PER_PAGE, 100);
      const response = await new ZOHOCRMSDK.Record.RecordOperations("Accounts").getRecords(params);
      const wrapper = response?.getObject();
      if (!(wrapper instanceof ZOHOCRMSDK.Record.ResponseWrapper)) throw new Error(`getRecords answered ${response?.getStatusCode()}: ${JSON.stringify(wrapper)}`);
      for (const record of wrapper.getData()) seen.add(String(record.getId()));
      const info = wrapper.getInfo();
      pageToken = info.getMoreRecords() ? info.getNextPageToken() : undefined;
      pages += 1;
    } while (pageToken && pages < 10);
    expect(pages).toBe(3);
    expect(seen.size).toBe(251);
  });
});
