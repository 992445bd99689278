import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../index";
import { specErrors, startZohoSandbox, zohoClient, type ZohoClient } from "./test-support";

/* The /crm/v8 records API: writes with per-record results, upsert, paging, If-Modified-Since, metadata, edition refusals. */

describe("Zoho CRM sandbox: records", () => {
  let sandbox: RunningSandbox;
  let zoho: ZohoClient;
  beforeAll(async () => {
    sandbox = await startZohoSandbox();
    zoho = await zohoClient(sandbox);
  });
  afterAll(() => sandbox.close());

  const upsertAccounts = (data: unknown[], extra: Record<string, unknown> = { duplicate_check_fields: ["Acumatica_Customer_ID"] }) =>
    zoho.call("POST", "/crm/v8/Accounts/upsert", { data, ...extra });

  it("upsert inserts, then updates the record matched by duplicate_check_fields (201 then 200, per-record action)", async () => {
    const first = await upsertAccounts([{ Account_Name: "Acme Analytics Inc.", Acumatica_Customer_ID: "A00000001", Phone: "+1 415 555 0100" }]);
    expect(first.status).toBe(201);
    expect(specErrors("write-response", first.body)).toEqual([]);
    expect(first.body.data[0]).toMatchObject({ code: "SUCCESS", action: "insert", duplicate_field: null, message: "record added", status: "success" });
    const second = await upsertAccounts([{ Account_Name: "Acme Analytics Incorporated", Acumatica_Customer_ID: "a00000001" }]);
    expect(second.status).toBe(200);
    expect(second.body.data[0]).toMatchObject({ action: "update", duplicate_field: "Acumatica_Customer_ID", message: "record updated", details: { id: first.body.data[0].details.id } });
    const read = await zoho.call("GET", `/crm/v8/Accounts/${first.body.data[0].details.id}?fields=Account_Name,Phone`);
    expect(read.body.data[0]).toEqual({ Account_Name: "Acme Analytics Incorporated", Phone: "+1 415 555 0100", id: first.body.data[0].details.id });
    expect(specErrors("list-response", read.body)).toEqual([]);
  });

  it("without duplicate_check_fields upsert matches on the module's system field (Account_Name), then unique fields", async () => {
    const answer = await upsertAccounts([{ Account_Name: "Acme Analytics Incorporated", Website: "https://acme.example" }], {});
    expect(answer.body.data[0]).toMatchObject({ action: "update", duplicate_field: "Account_Name" });
    const wrong = await upsertAccounts([{ Account_Name: "X" }], { duplicate_check_fields: ["Phone"] });
    expect(wrong).toMatchObject({ status: 400, body: { code: "INVALID_DATA", details: { api_name: "Phone" } } });
  });

  it("answers each record of a batch on its own: success, INVALID_DATA, MANDATORY_NOT_FOUND and DUPLICATE_DATA in one 207", async () => {
    const answer = await zoho.call("POST", "/crm/v8/Accounts", {
      data: [
        { Account_Name: "Cedar Labs GmbH", Acumatica_Customer_ID: "A00000002" },
        { Account_Name: "Delta Foods LLC", Acumatica_Customer_ID: 17 },
        { Phone: "+1 212 555 0199" },
        { Account_Name: "Acme again", Acumatica_Customer_ID: "A00000001" },
        { Account_Name: "Echo Media", Unknown_Field: "ignored" },
      ],
    });
    expect(answer.status).toBe(207);
    expect(specErrors("write-response", answer.body)).toEqual([]);
    const [ok, invalid, missing, duplicate, ignored] = answer.body.data;
    expect(ok).toMatchObject({ status: "success", action: "insert" });
    expect(invalid).toEqual({ code: "INVALID_DATA", details: { api_name: "Acumatica_Customer_ID", json_path: "$.data[1].Acumatica_Customer_ID", expected_data_type: "text" }, message: "invalid data", status: "error" });
    expect(missing).toEqual({ code: "MANDATORY_NOT_FOUND", details: { api_name: "Account_Name", json_path: "$.data[2].Account_Name" }, message: "required field not found", status: "error" });
    expect(duplicate).toMatchObject({ code: "DUPLICATE_DATA", message: "duplicate data", details: { api_name: "Acumatica_Customer_ID", json_path: "$.data[3].Acumatica_Customer_ID", duplicate_record: { module: { api_name: "Accounts" } } } });
    expect(ignored).toMatchObject({ status: "success" });
    expect((await sandbox.control.zohoCrm.stats()).ignoredFields).toMatchObject({ "Accounts.Unknown_Field": 1 });
    const allBad = await zoho.call("POST", "/crm/v8/Accounts", { data: [{ Phone: "1" }] });
    expect(allBad.status).toBe(400);
    expect(allBad.body.data[0].code).toBe("MANDATORY_NOT_FOUND");
  });

  it("refuses a write of more than 100 records, a body without data, and an unknown module", async () => {
    const many = await zoho.call("POST", "/crm/v8/Accounts", { data: Array.from({ length: 101 }, (_, n) => ({ Account_Name: `Bulk ${n}` })) });
    expect(many).toMatchObject({ status: 400, body: { code: "LIMIT_EXCEEDED", details: { limit: 100 } } });
    expect(specErrors("error", many.body)).toEqual([]);
    const noData = await zoho.call("POST", "/crm/v8/Accounts", { records: [] });
    expect(noData).toMatchObject({ status: 400, body: { code: "REQUIRED_PARAM_MISSING", details: { param: "data" } } });
    const module = await zoho.call("GET", "/crm/v8/Customers?fields=Name");
    expect(module).toMatchObject({ status: 400, body: { code: "INVALID_MODULE", message: "The module name given seems to be invalid" } });
  });

  it("invoices link to their account and products, compute totals, and refuse an unknown lookup id", async () => {
    const product = await zoho.call("POST", "/crm/v8/Products/upsert", { data: [{ Product_Name: "Platform Seat", Product_Code: "NW-PLAT-B", Unit_Price: 79, Acumatica_Inventory_ID: "NW-PLAT-B" }], duplicate_check_fields: ["Acumatica_Inventory_ID"] });
    const productId = product.body.data[0].details.id;
    const account = (await sandbox.control.zohoCrm.records("Accounts")).find((a) => String(a.Acumatica_Customer_ID).toUpperCase() === "A00000001");
    const invoice = await zoho.call("POST", "/crm/v8/Invoices/upsert", {
      data: [{ Subject: "AR INV-000123", Acumatica_Reference_Nbr: "INV-000123", Account_Name: { id: account?.id }, Invoice_Date: "2026-12-01", Status: "Approved", Invoiced_Items: [{ Product_Name: { id: productId }, Quantity: 3, List_Price: 79, Discount: 7 }] }],
      duplicate_check_fields: ["Acumatica_Reference_Nbr"],
    });
    expect(invoice.body.data[0], JSON.stringify(invoice.body)).toMatchObject({ status: "success", action: "insert" });
    expect(invoice.status).toBe(201);
    const read = await zoho.call("GET", `/crm/v8/Invoices/${invoice.body.data[0].details.id}`);
    expect(read.body.data[0]).toMatchObject({ Account_Name: { id: account?.id, name: "Acme Analytics Incorporated" }, Sub_Total: 230, Grand_Total: 230, Invoice_Number: "1" });
    expect(read.body.data[0].Invoiced_Items[0]).toMatchObject({ Product_Name: { id: productId, name: "Platform Seat" }, Quantity: 3, Total: 237, Net_Total: 230 });
    const orphan = await zoho.call("POST", "/crm/v8/Invoices", { data: [{ Subject: "orphan", Account_Name: { id: "5725767000009999999" }, Invoiced_Items: [{ Product_Name: { id: productId }, Quantity: 1 }] }] });
    expect(orphan.body.data[0]).toMatchObject({ code: "INVALID_DATA", details: { api_name: "Account_Name", json_path: "$.data[0].Account_Name" } });
    const noLines = await zoho.call("POST", "/crm/v8/Invoices", { data: [{ Subject: "no lines" }] });
    expect(noLines.body.data[0]).toMatchObject({ code: "MANDATORY_NOT_FOUND", details: { api_name: "Invoiced_Items" } });
    const badLine = await zoho.call("POST", "/crm/v8/Invoices", { data: [{ Subject: "bad line", Invoiced_Items: [{ Quantity: 1 }] }] });
    expect(badLine.body.data[0]).toMatchObject({ code: "MANDATORY_NOT_FOUND", details: { api_name: "Product_Name", parent_api_name: "Invoiced_Items", json_path: "$.data[0].Invoiced_Items[0].Product_Name" } });
    expect(specErrors("write-response", badLine.body)).toEqual([]);
  });

  it("a deal marked Closed Won through the API gets probability 100; update needs an existing id", async () => {
    const account = (await sandbox.control.zohoCrm.records("Accounts"))[0];
    const deal = await zoho.call("POST", "/crm/v8/Deals", { data: [{ Deal_Name: "Big deal", Stage: "Qualification", Closing_Date: "2027-01-31", Amount: 12_000, Account_Name: { id: account?.id } }] });
    const id = deal.body.data[0].details.id;
    const won = await zoho.call("PUT", `/crm/v8/Deals/${id}`, { data: [{ Stage: "Closed Won" }] });
    expect(won.body.data[0]).toMatchObject({ status: "success", action: "update" });
    expect((await zoho.call("GET", `/crm/v8/Deals/${id}?fields=Stage,Probability`)).body.data[0]).toMatchObject({ Stage: "Closed Won", Probability: 100 });
    const badStage = await zoho.call("PUT", "/crm/v8/Deals", { data: [{ id, Stage: "Won" }] });
    expect(badStage.body.data[0]).toMatchObject({ code: "INVALID_DATA", details: { api_name: "Stage", expected_data_type: "picklist" } });
    const noId = await zoho.call("PUT", "/crm/v8/Deals", { data: [{ Stage: "Closed Lost" }, { id: "5725767000008888888", Stage: "Closed Lost" }] });
    expect(noId.body.data.map((r: { code: string }) => r.code)).toEqual(["MANDATORY_NOT_FOUND", "INVALID_DATA"]);
  });

  it("lists need fields, page with page_token beyond 200 records, and If-Modified-Since answers only newer records (304 when none)", async () => {
    const missing = await zoho.call("GET", "/crm/v8/Accounts");
    expect(missing).toMatchObject({ status: 400, body: { code: "REQUIRED_PARAM_MISSING", details: { param: "fields" } } });
    for (let batch = 0; batch < 5; batch += 1) {
      const data = Array.from({ length: 100 }, (_, n) => ({ Account_Name: `Paged ${batch * 100 + n}`, Acumatica_Customer_ID: `P${batch * 100 + n}` }));
      expect((await upsertAccounts(data)).status).toBe(201);
    }
    const total = (await sandbox.control.zohoCrm.records("Accounts")).length;
    const seen = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await zoho.call("GET", `/crm/v8/Accounts?fields=Account_Name,Modified_Time${token ? `&page_token=${token}` : "&sort_by=Modified_Time&sort_order=asc"}`);
      expect(page.status).toBe(200);
      expect(specErrors("list-response", page.body)).toEqual([]);
      for (const r of page.body.data) seen.add(r.id);
      token = page.body.info.more_records ? page.body.info.next_page_token : undefined;
      pages += 1;
    } while (token);
    expect(seen.size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 200));
    const both = await zoho.call("GET", "/crm/v8/Accounts?fields=Account_Name&page=2&page_token=abc");
    expect(both.status).toBe(400);
    const tooDeep = await zoho.call("GET", "/crm/v8/Accounts?fields=Account_Name&page=11&per_page=200");
    expect(tooDeep).toMatchObject({ status: 400, body: { code: "DISCRETE_PAGINATION_LIMIT_EXCEEDED" } });

    await sandbox.control.zohoCrm.setClock({ advanceSeconds: 10 });
    const since = new Date(Date.now() + 5_000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
    const none = await zoho.call("GET", "/crm/v8/Accounts?fields=Account_Name", undefined, { "If-Modified-Since": since });
    expect(none.status).toBe(304);
    await upsertAccounts([{ Account_Name: "Paged 7 renamed", Acumatica_Customer_ID: "P7" }]);
    const changed = await zoho.call("GET", "/crm/v8/Accounts?fields=Account_Name", undefined, { "If-Modified-Since": since });
    expect(changed.status).toBe(200);
    expect(changed.body.data.map((r: { Account_Name: string }) => r.Account_Name)).toEqual(["Paged 7 renamed"]);
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: -10 });
  });

  it("answers the metadata Zoho's SDKs read first: /settings/modules, /settings/fields, /users, /org", async () => {
    const modules = await zoho.call("GET", "/crm/v8/settings/modules");
    expect(specErrors("settings-response", modules.body)).toEqual([]);
    expect(modules.body.modules.map((m: { api_name: string }) => m.api_name).sort()).toEqual(["Accounts", "Deals", "Invoices", "Products"]);
    const fields = await zoho.call("GET", "/crm/v8/settings/fields?module=Invoices");
    expect(specErrors("settings-response", fields.body)).toEqual([]);
    const byName = new Map(fields.body.fields.map((f: { api_name: string }) => [f.api_name, f]));
    expect(byName.get("Subject")).toMatchObject({ data_type: "text", system_mandatory: true });
    expect(byName.get("Account_Name")).toMatchObject({ data_type: "lookup", lookup: { module: { api_name: "Accounts" } } });
    expect(byName.get("Acumatica_Reference_Nbr")).toMatchObject({ custom_field: true, unique: { casesensitive: "0" } });
    expect((await zoho.call("GET", "/crm/v8/settings/fields")).body).toMatchObject({ code: "REQUIRED_PARAM_MISSING" });
    expect((await zoho.call("GET", "/crm/v8/users?type=CurrentUser")).body.users[0]).toHaveProperty("email");
    expect((await zoho.call("GET", "/crm/v8/org")).body.org[0]).toMatchObject({ license_details: { paid_type: "enterprise" } });
  });

  it("a Standard org has no Invoices (clear refusal, not in /settings/modules); a Free org has no Products either", async () => {
    await sandbox.control.zohoCrm.updateSettings({ edition: "standard" });
    const invoices = await zoho.call("GET", "/crm/v8/Invoices?fields=Subject");
    expect(invoices).toMatchObject({ status: 403, body: { code: "FEATURE_NOT_SUPPORTED", message: "This module is not supported in your edition", details: { module: "Invoices", edition: "standard" } } });
    expect(specErrors("error", invoices.body)).toEqual([]);
    expect((await zoho.call("GET", "/crm/v8/settings/modules")).body.modules.map((m: { api_name: string }) => m.api_name)).not.toContain("Invoices");
    expect((await zoho.call("GET", "/crm/v8/Products?fields=Product_Name")).status).toBe(200);
    await sandbox.control.zohoCrm.updateSettings({ edition: "free" });
    expect((await zoho.call("POST", "/crm/v8/Products", { data: [{ Product_Name: "x" }] })).body.code).toBe("FEATURE_NOT_SUPPORTED");
    await sandbox.control.zohoCrm.updateSettings({ edition: "enterprise" });
    expect((await zoho.call("GET", "/crm/v8/Invoices?fields=Subject")).body).toMatchObject({ data: [{ Subject: "AR INV-000123" }] });
  });

  it("deletes records into the recycle bin (/deleted) and finds records with /search criteria", async () => {
    const created = await zoho.call("POST", "/crm/v8/Accounts", { data: [{ Account_Name: "Short-lived Ltd" }] });
    const id = created.body.data[0].details.id;
    const found = await zoho.call("GET", "/crm/v8/Accounts/search?criteria=(Account_Name:equals:Short-lived Ltd)");
    expect(found.body.data.map((r: { id: string }) => r.id)).toEqual([id]);
    const removed = await zoho.call("DELETE", `/crm/v8/Accounts?ids=${id},5725767000007777777`);
    expect(removed.status).toBe(207);
    expect(specErrors("write-response", removed.body)).toEqual([]);
    expect(removed.body.data[0]).toEqual({ code: "SUCCESS", details: { id }, message: "record deleted", status: "success" });
    expect((await zoho.call("GET", "/crm/v8/Accounts/deleted?type=all")).body.data.map((d: { id: string }) => d.id)).toContain(id);
    expect((await zoho.call("GET", "/crm/v8/Accounts/search?criteria=(Account_Name:equals:Short-lived Ltd)")).status).toBe(204);
    expect((await zoho.call("GET", `/crm/v8/Accounts/${id}`)).status).toBe(204);
  });

  it("COQL selects with where, order by and limit offset,count; refuses unknown columns, select * and limits over 2,000", async () => {
    const coql = (select_query: string) => zoho.call("POST", "/crm/v8/coql", { select_query });
    const one = await coql("select Account_Name, Acumatica_Customer_ID from Accounts where Acumatica_Customer_ID = 'P7'");
    expect(one.status).toBe(200);
    expect(specErrors("coql-response", one.body)).toEqual([]);
    expect(one.body.data).toEqual([{ Account_Name: "Paged 7 renamed", Acumatica_Customer_ID: "P7", id: expect.any(String) }]);
    const paged = await coql("select Account_Name from Accounts where Account_Name like 'Paged 1%' order by Account_Name asc limit 2, 3");
    expect(paged.body.data.map((r: { Account_Name: string }) => r.Account_Name)).toEqual(["Paged 100", "Paged 101", "Paged 102"]);
    expect(paged.body.info).toEqual({ count: 3, more_records: true });
    const account = (await sandbox.control.zohoCrm.records("Accounts")).find((a) => a.Account_Name === "Paged 3");
    await zoho.call("POST", "/crm/v8/Deals", { data: [{ Deal_Name: "COQL deal", Stage: "Closed Won", Closing_Date: "2027-03-01", Account_Name: { id: account?.id } }] });
    const won = await coql(`select Deal_Name, Account_Name from Deals where (Stage = 'Closed Won' and Account_Name = '${account?.id}')`);
    expect(won.body.data).toEqual([{ Deal_Name: "COQL deal", Account_Name: { name: "Paged 3", id: account?.id }, id: expect.any(String) }]);
    expect((await coql("select Nope from Accounts where Account_Name = 'x'")).body).toMatchObject({ code: "INVALID_QUERY", message: "column given seems to be invalid", details: { column_name: "Nope" } });
    expect((await coql("select * from Accounts")).body).toMatchObject({ code: "SYNTAX_ERROR" });
    expect((await coql("select Account_Name from Accounts limit 2001")).body).toMatchObject({ code: "LIMIT_EXCEEDED" });
    expect((await coql("select Account_Name from Accounts where Account_Name = 'nobody'")).status).toBe(204);
  });
});
