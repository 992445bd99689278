import { describe, expect, it } from "vitest";
import { buildQuery, joinUrl, redactedPath, redactUrl, redactUrlParts } from "./url";

describe("buildQuery and joinUrl", () => {
  it("keeps OData and array names readable, escapes every value and other names", () => {
    expect(buildQuery({ $filter: "Type eq 'Invoice' and Amount gt 5", "filter[]": ["a&b", 2], page: true, skip: undefined })).toBe(
      "$filter=Type%20eq%20'Invoice'%20and%20Amount%20gt%205&filter[]=a%26b&filter[]=2&page=true",
    );
    expect(buildQuery({ "na me": 1, "a=b": 2, "é": 3 })).toBe("na%20me=1&a%3Db=2&%C3%A9=3");
  });

  it("joins a base URL that carries a path, and appends to a query already there", () => {
    expect(joinUrl("http://h:1/AcumaticaERP/", "/entity/Invoice", { $top: 1 })).toBe("http://h:1/AcumaticaERP/entity/Invoice?$top=1");
    expect(joinUrl("http://h/x?a=1", "", { b: 2 })).toBe("http://h/x?a=1&b=2");
  });
});

describe("redactUrlParts", () => {
  it("gives the redacted URL and path of one parse, as redactUrl and redactedPath do", () => {
    const url = "https://ops:pw@erp.example.com/tenant/x?client_secret=s3&page=2&access_token=t";
    expect(redactUrlParts(url)).toEqual({
      url: "https://erp.example.com/tenant/x?client_secret=[redacted]&page=2&access_token=[redacted]",
      path: "/tenant/x?client_secret=[redacted]&page=2&access_token=[redacted]",
    });
    expect(redactUrl(url)).toBe(redactUrlParts(url).url);
    expect(redactedPath(url)).toBe(redactUrlParts(url).path);
    expect(redactUrlParts("not a url?token=t")).toEqual({ url: "not a url?[redacted]", path: "[unparseable url]" });
  });
});
