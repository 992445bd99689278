/**
 * A generic OData v4 client we did not write reads the sandbox: ts-odatajs (the Apache Olingo OData client for
 * JavaScript, Apache-2.0; IFS's server side is Olingo too) parses `$metadata` with its CSDL reader, and its
 * reads use that metadata to type the JSON and build entity ids from the keys.
 */
import * as odatajs from "ts-odatajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoiceVoucher, startIfs, type TestIfs, today } from "./test-support";

type Named = { name: string };
type CsdlEntityType = Named & { key: { propertyRef: Named[] }[] | { propertyRef: Named[] }; property: (Named & { type: string; nullable?: string })[]; navigationProperty?: (Named & { type: string })[] };
type CsdlSchema = {
  namespace: string;
  entityType: CsdlEntityType[];
  action?: (Named & { isBound: string; parameter: (Named & { type: string })[] })[];
  entityContainer: Named & { entitySet: (Named & { entityType: string })[] };
};
type Metadata = { version: string; dataServices: { schema: CsdlSchema[] } };

const read = <T>(request: odatajs.HttpOData.Request, handler?: odatajs.oData.handler.Handler, metadata?: unknown) =>
  new Promise<T>((resolve, reject) => {
    odatajs.oData.read(request, (data: T) => resolve(data), (error) => reject(new Error(`${error.message}: ${JSON.stringify(error.response?.body ?? "")}`)), handler, undefined, metadata as never);
  });

describe("a generic OData v4 client (ts-odatajs) against the IFS sandbox", () => {
  let ifs: TestIfs;
  let headers: Record<string, string>;
  const service = () => `${ifs.projections}/ManualVoucherHandling.svc`;
  beforeAll(async () => {
    ifs = await startIfs();
    for (let i = 1; i <= 3; i += 1) await ifs.api("POST", "/ManualVoucherHandling.svc/Vouchers", invoiceVoucher(today(), `INV0000000${i}`, 100 * i));
    await ifs.api("POST", "/ManualVoucherHandling.svc/Vouchers", { Company: "10", VoucherType: "M", VoucherDate: today() });
    headers = { Authorization: `Bearer ${await ifs.token()}`, Accept: "application/json;odata.metadata=minimal" };
  });
  afterAll(() => ifs.close());

  it("reads $metadata: entity container, the voucher set's entity type, keys, types, navigations and bound actions", async () => {
    const metadata = await read<Metadata>({ requestUri: `${service()}/$metadata`, headers }, odatajs.oData.metadataHandler);
    expect(metadata.version).toBe("4.0");
    const schema = metadata.dataServices.schema[0]!;
    expect(schema.namespace).toBe("IfsApp.ManualVoucherHandling");
    const set = schema.entityContainer.entitySet.find((s) => s.name === "Vouchers")!;
    expect(set.entityType).toBe("IfsApp.ManualVoucherHandling.Voucher");
    const type = schema.entityType.find((t) => `${schema.namespace}.${t.name}` === set.entityType)!;
    const key = Array.isArray(type.key) ? type.key[0]! : type.key;
    expect(key.propertyRef.map((p) => p.name)).toEqual(["Company", "AccountingYear", "VoucherType", "VoucherNo"]);
    const typeOf = (name: string) => type.property.find((p) => p.name === name)?.type;
    expect([typeOf("VoucherDate"), typeOf("AccountingYear"), typeOf("Objstate")]).toEqual(["Edm.Date", "Edm.Int32", "IfsApp.ManualVoucherHandling.VoucherState"]);
    expect(type.navigationProperty?.find((n) => n.name === "VoucherRowArray")?.type).toBe("Collection(IfsApp.ManualVoucherHandling.VoucherRow)");
    const rowType = schema.entityType.find((t) => t.name === "VoucherRow")!;
    expect(rowType.property.find((p) => p.name === "CurrencyDebetAmount")?.type).toBe("Edm.Decimal");
    const confirm = schema.action?.find((a) => a.name === "Voucher_Confirm");
    expect(confirm).toMatchObject({ isBound: "true" });
    expect(confirm?.parameter[0]?.type).toBe(set.entityType);
  });

  it("queries the voucher set through the client with the metadata it read: typed values and entity ids from the keys", async () => {
    const metadata = await read<Metadata>({ requestUri: `${service()}/$metadata`, headers }, odatajs.oData.metadataHandler);
    const schema = metadata.dataServices.schema[0]!;
    const type = schema.entityType.find((t) => t.name === "Voucher")!;
    const keys = (Array.isArray(type.key) ? type.key[0]! : type.key).propertyRef.map((p) => p.name);
    const select = [...keys, "VoucherDate", "Objstate", "VoucherText"].join(",");
    const filter = `Company eq '10' and Objstate eq ${schema.namespace}.VoucherState'Confirmed'`;
    const url = `${service()}/Vouchers?$select=${select}&$filter=${encodeURIComponent(filter)}&$orderby=VoucherNo desc&$count=true`;
    const result = await read<{ "@odata.count": number; value: Record<string, unknown>[] }>({ requestUri: url, headers }, undefined, metadata);

    expect(result["@odata.count"]).toBe(3);
    expect(result.value.map((v) => v.VoucherText)).toEqual(["Zuora INV00000003", "Zuora INV00000002", "Zuora INV00000001"]);
    const first = result.value[0]!;
    expect(first["@odata.type"]).toBe("#IfsApp.ManualVoucherHandling.Voucher");
    expect(first["Objstate@odata.type"]).toBe("#IfsApp.ManualVoucherHandling.VoucherState");
    expect(first["VoucherDate@odata.type"]).toBe("#Date");
    const id = String(first["@odata.id"]);
    expect(id).toBe(`${service()}/Vouchers(Company='10',AccountingYear=${first.AccountingYear},VoucherType='I',VoucherNo=3)`);

    // The id the client computed from the metadata's keys addresses the entity, and its rows by navigation.
    const entity = await read<Record<string, unknown>>({ requestUri: id, headers }, undefined, metadata);
    expect(entity).toMatchObject({ VoucherNo: 3, Objstate: "Confirmed" });
    const rows = await read<{ value: Record<string, unknown>[] }>({ requestUri: `${id}/VoucherRowArray`, headers }, undefined, metadata);
    expect(rows.value.map((r) => [r.Account, r.DebetAmount, r.CreditAmount])).toEqual([
      ["1510", 300, null],
      ["3010", null, 300],
    ]);
  });
});
