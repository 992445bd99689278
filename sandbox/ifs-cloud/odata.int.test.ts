import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IFS_SANDBOX_DEFAULTS } from "./index";
import { invoiceVoucher, startIfs, type TestIfs, today } from "./test-support";

const IFS_CLIENT = { ...IFS_SANDBOX_DEFAULTS.client };

type Collection = { "@odata.context": string; "@odata.count"?: number; "@odata.nextLink"?: string; value: Record<string, unknown>[] };
type ErrorBody = { error: { code?: string; message: string } };

describe("IFS OData projections: service, metadata and queries", () => {
  let ifs: TestIfs;
  beforeAll(async () => {
    ifs = await startIfs({
      pageSize: 5,
      clients: [IFS_CLIENT, { clientId: "READ_COMPANIES", clientSecret: "limited-secret", projections: ["CompanyHandling"] }],
    });
  });
  afterAll(() => ifs.close());

  it("serves the service document and CSDL $metadata of a projection", async () => {
    const service = await ifs.api("GET", "/ManualVoucherHandling.svc/");
    expect(service.status).toBe(200);
    const names = (service.body as Collection).value.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(["Vouchers", "VoucherRows", "VoucherTypeSet", "AccountSet", "CompanySet"]));
    expect((service.body as Collection)["@odata.context"]).toBe(`${ifs.projections}/ManualVoucherHandling.svc/$metadata`);

    const metadata = await ifs.api("GET", "/ManualVoucherHandling.svc/$metadata");
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get("content-type")).toMatch(/^application\/xml/);
    expect(metadata.text).toContain('<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="IfsApp.ManualVoucherHandling">');
    expect(metadata.text).toContain('<NavigationProperty Name="VoucherRowArray" Type="Collection(IfsApp.ManualVoucherHandling.VoucherRow)"/>');
    expect(metadata.text).toContain('<Action Name="Voucher_Confirm" IsBound="true">');
  });

  it("answers an unknown projection MI_METADATA_NOTFOUND and an unknown entity set or key 404", async () => {
    const projection = await ifs.api("GET", "/ShopOrdersHandling.svc/$metadata");
    expect(projection.status).toBe(404);
    expect(projection.body).toEqual({ error: { code: "MI_METADATA_NOTFOUND", message: "Metadata for projection ShopOrdersHandling not found." } });
    expect(((await ifs.api("GET", "/CompanyHandling.svc/Companies")).body as ErrorBody).error.code).toBe("ODP_RESOURCE_NOTFOUND");
    expect((await ifs.api("GET", "/CompanyHandling.svc/CompanySet(Company='99')")).status).toBe(404);
    expect((await ifs.api("GET", "/CompanyHandling.svc/CompanySet(Company=10)")).status).toBe(400);
  });

  it("answers 403 'Insufficient privileges.' for a projection the service user's permission sets do not grant", async () => {
    const token = await ifs.call("POST", `/auth/realms/${ifs.sandbox.credentials.ifsCloud.realm}/protocol/openid-connect/token`, {
      form: { grant_type: "client_credentials", client_id: "READ_COMPANIES", client_secret: "limited-secret" },
    });
    const bearer = (token.body as { access_token: string }).access_token;
    expect((await ifs.call("GET", `${ifs.projections}/CompanyHandling.svc/CompanySet`, { bearer })).status).toBe(200);
    const denied = await ifs.call("GET", `${ifs.projections}/ManualVoucherHandling.svc/Vouchers`, { bearer });
    expect(denied.status).toBe(403);
    expect(denied.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(denied.text).toBe("Insufficient privileges.");
  });

  it("answers MI_MODIFIED_ERROR once after a projection is redeployed, then serves the retry", async () => {
    await ifs.sandbox.control.ifsCloud.modifyMetadata(["CompanyHandling"]);
    const first = await ifs.api("GET", "/CompanyHandling.svc/CompanySet");
    expect(first.status).toBe(500);
    expect((first.body as ErrorBody).error.code).toBe("MI_MODIFIED_ERROR");
    expect((await ifs.api("GET", "/CompanyHandling.svc/CompanySet")).status).toBe(200);
    expect((await ifs.api("GET", "/AccountsHandling.svc/AccountSet?$top=1")).status).toBe(200);
  });

  it("serves /main like /int (IFS Cloud authorises by token, not by endpoint)", async () => {
    const main = await ifs.call("GET", `${ifs.baseUrl}/main/ifsapplications/projection/v1/CompanyHandling.svc/CompanySet`, { bearer: await ifs.token() });
    expect(main.status).toBe(200);
    expect((main.body as Collection)["@odata.context"]).toContain("/main/ifsapplications/projection/v1/CompanyHandling.svc/$metadata#CompanySet");
  });

  it("reads an entity by key with luname, keyref, Objgrants and a weak ETag from the object version", async () => {
    const res = await ifs.api("GET", "/AccountsHandling.svc/AccountSet(Company='10',Account='3010')");
    expect(res.status).toBe(200);
    const body = res.body as Record<string, unknown>;
    expect(body).toMatchObject({ luname: "Account", keyref: "COMPANY=10^ACCOUNT=3010^", Objgrants: null, Company: "10", Account: "3010", Description: "Subscription Revenue" });
    expect(body["@odata.context"]).toBe(`${ifs.projections}/AccountsHandling.svc/$metadata#AccountSet/$entity`);
    expect(String(body["@odata.etag"])).toMatch(/^W\/"[A-Za-z0-9+/=]+"$/);
    expect(res.headers.get("etag")).toBe(body["@odata.etag"]);
    const inner = Buffer.from(String(body["@odata.etag"]).slice(3, -1), "base64").toString();
    expect(inner).toMatch(/^W\/"[A-Z0-9]+:\d+"$/);
  });

  it("applies $filter, $select, $orderby, $top, $skip and $count", async () => {
    const res = await ifs.api("GET", "/AccountsHandling.svc/AccountSet?$filter=Company eq '10' and startswith(Account,'30')&$select=Account,Description&$orderby=Account desc&$count=true");
    const body = res.body as Collection;
    expect(body["@odata.count"]).toBe(5);
    expect(body.value.map((a) => a.Account)).toEqual(["3099", "3090", "3030", "3020", "3010"]);
    expect(Object.keys(body.value[0]!).sort()).toEqual(["@odata.etag", "Account", "Description", "keyref", "luname"].sort());
    expect(body["@odata.context"]).toBe(`${ifs.projections}/AccountsHandling.svc/$metadata#AccountSet(Account,Description)`);

    const page = (await ifs.api("GET", "/AccountsHandling.svc/AccountSet?$filter=Company eq '10'&$orderby=Account&$top=2&$skip=1")).body as Collection;
    expect(page.value.map((a) => a.Account)).toEqual(["1910", "1920"]);
    expect(page["@odata.nextLink"]).toBeUndefined();

    const count = await ifs.api("GET", "/AccountsHandling.svc/AccountSet/$count?$filter=Company eq '20'");
    expect(count.text).toBe("11");
  });

  it("pages long collections with @odata.nextLink until they end", async () => {
    const seen: string[] = [];
    let url: string | undefined = `${ifs.projections}/AccountsHandling.svc/AccountSet?$filter=Company eq '10'&$orderby=Account&$count=true`;
    const token = await ifs.token();
    let pages = 0;
    while (url) {
      const res = await ifs.call("GET", url, { bearer: token });
      const body = res.body as Collection;
      expect(body["@odata.count"]).toBe(11);
      expect(body.value.length).toBeLessThanOrEqual(5);
      seen.push(...body.value.map((a) => String(a.Account)));
      url = body["@odata.nextLink"];
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(11);

    // $top smaller than what is left stops the paging at $top.
    const limited = (await ifs.api("GET", "/AccountsHandling.svc/AccountSet?$filter=Company eq '10'&$top=7")).body as Collection;
    expect(limited.value).toHaveLength(5);
    const rest = (await ifs.call("GET", limited["@odata.nextLink"]!, { bearer: token })).body as Collection;
    expect(rest.value).toHaveLength(2);
    expect(rest["@odata.nextLink"]).toBeUndefined();
  });

  it("expands one-to-one navigations only", async () => {
    const created = await ifs.api("POST", "/ManualVoucherHandling.svc/Vouchers", invoiceVoucher(today(), "INV-EXP-1"));
    expect(created.status).toBe(201);
    const { VoucherNo, AccountingYear } = created.body as { VoucherNo: number; AccountingYear: number };
    const key = `Company='10',AccountingYear=${AccountingYear},VoucherType='I',VoucherNo=${VoucherNo}`;
    const expanded = (await ifs.api("GET", `/ManualVoucherHandling.svc/Vouchers(${key})?$expand=VoucherTypeRef,CompanyRef`)).body as Record<string, Record<string, unknown>>;
    expect(expanded.VoucherTypeRef).toMatchObject({ VoucherType: "I", FunctionGroup: "I" });
    expect(expanded.CompanyRef).toMatchObject({ Company: "10", CurrencyCode: "USD" });

    const many = await ifs.api("GET", `/ManualVoucherHandling.svc/Vouchers(${key})?$expand=VoucherRowArray`);
    expect(many.status).toBe(400);
    expect((many.body as ErrorBody).error.message).toMatch(/one-to-many/);

    const rows = (await ifs.api("GET", `/ManualVoucherHandling.svc/Vouchers(${key})/VoucherRowArray?$expand=AccountRef&$select=RowNo,Account`)).body as Collection;
    expect(rows.value.map((r) => [r.RowNo, (r.AccountRef as Record<string, unknown>).Description])).toEqual([
      [1, "Accounts Receivable"],
      [2, "Subscription Revenue"],
    ]);
  });

  it("refuses bad query options the way IFS does", async () => {
    const select = await ifs.api("GET", "/AccountsHandling.svc/AccountSet?$select=Account,DescriptionX");
    expect(select.status).toBe(400);
    expect(select.body).toEqual({ error: { code: "EXPRESSION_PROPERTY_NOT_IN_TYPE", message: "The property 'DescriptionX' is not found in type Account." } });
    const filter = await ifs.api("GET", "/AccountsHandling.svc/AccountSet?$filter=Company eq ILER2");
    expect(filter.body).toEqual({ error: { code: "ODP_UNSUPPORTED_URL", message: "Malformed Request: syntax error at position 11 in 'Company eq ILER2'." } });
    expect((await ifs.api("GET", "/AccountsHandling.svc/AccountSet?$top=-1")).status).toBe(400);
    expect((await ifs.api("GET", "/AccountsHandling.svc/AccountSet?$orderby=Nope")).status).toBe(400);
    expect((await ifs.api("GET", "/AccountsHandling.svc/AccountSet?$filter=Company has '1'")).status).toBe(400);
    expect((await ifs.api("GET", "/AccountsHandling.svc/AccountSet?$apply=groupby((Company))")).status).toBe(501);
  });

  it("answers wrong verbs 405 and read-only entity sets refuse writes", async () => {
    expect((await ifs.api("DELETE", "/CompanyHandling.svc/CompanySet(Company='10')", undefined, { "if-match": "*" })).status).toBe(405);
    expect((await ifs.api("POST", "/AccountsHandling.svc/AccountSet", { Company: "10", Account: "9999" })).status).toBe(405);
    expect((await ifs.api("POST", "/ManualVoucherHandling.svc/$metadata", {})).status).toBe(405);
  });

  it("limits the request rate with 429 and Retry-After when configured", async () => {
    await ifs.sandbox.control.ifsCloud.configure({ rateLimit: { requests: 3, windowSeconds: 60 } });
    await ifs.sandbox.control.ifsCloud.setClock({ now: "2030-01-01T00:00:10Z" });
    ifs.forgetToken();
    const statuses: number[] = [];
    let last: Awaited<ReturnType<TestIfs["api"]>> | undefined;
    for (let i = 0; i < 5; i += 1) {
      last = await ifs.api("GET", "/CompanyHandling.svc/CompanySet");
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last!.headers.get("retry-after")).toBe("50");
    expect((last!.body as ErrorBody).error.code).toBe("TOO_MANY_REQUESTS");
    await ifs.sandbox.control.ifsCloud.setClock({ advanceSeconds: 50 });
    expect((await ifs.api("GET", "/CompanyHandling.svc/CompanySet")).status).toBe(200);
    expect((await ifs.sandbox.control.ifsCloud.stats()).rejected429).toBe(2);
    await ifs.sandbox.control.ifsCloud.configure({ rateLimit: null });
    await ifs.sandbox.control.ifsCloud.setClock({ now: null });
    ifs.forgetToken();
  });

  it("answers injected faults in IFS's shape: 429 with Retry-After, 5xx OData errors, dropped connections", async () => {
    await ifs.sandbox.control.faults.add({ vendor: "ifs-cloud", path: "/int/*", times: 1, action: { kind: "status", status: 429, retryAfterSeconds: 7 } });
    const limited = await ifs.api("GET", "/CompanyHandling.svc/CompanySet");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    await ifs.sandbox.control.faults.add({ vendor: "ifs-cloud", path: "/int/*", times: 1, action: { kind: "status", status: 503 } });
    const unavailable = await ifs.api("GET", "/CompanyHandling.svc/CompanySet");
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toEqual({ error: { message: "Service Unavailable" } });
    await ifs.sandbox.control.faults.add({ vendor: "ifs-cloud", method: "POST", path: "/int/*/Vouchers", times: 1, action: { kind: "drop", when: "after" } });
    await expect(ifs.api("POST", "/ManualVoucherHandling.svc/Vouchers", invoiceVoucher(today(), "INV-DROP-1"))).rejects.toThrow();
    // The work was done before the answer was lost: the voucher exists and is found by its reference.
    const found = (await ifs.api("GET", "/ManualVoucherHandling.svc/VoucherRows?$filter=Company eq '10' and ReferenceNumber eq 'INV-DROP-1'")).body as Collection;
    expect(found.value).toHaveLength(2);
    expect((await ifs.sandbox.control.faults.log()).map((l) => l.kind)).toEqual(["status", "status", "drop"]);
    await ifs.sandbox.control.faults.clear();
  });
});
