import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { VendorText } from "../../components/ui/vendor-text";

/*
 * Vendor data cannot spoof the display with direction controls (issue 16, security 6): a Zuora
 * invoice number or account name carrying a right-to-left override is shown with the override made
 * visible, isolated from the text around it. The records list and the record detail render vendor
 * values through VendorText.
 */

const render = (text: string) => renderToStaticMarkup(createElement(VendorText, null, text));

describe("vendor text on the records pages", () => {
  it("shows a right-to-left override as a visible marker, isolated in <bdi>", () => {
    const html = render("INV-1001\u202efdp.exe");
    expect(html).toBe("<bdi>INV-1001&lt;U+202E&gt;fdp.exe</bdi>");
    expect(html).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/);
  });

  it("keeps ordinary right-to-left names readable", () => {
    expect(render("شركة الأمل")).toBe("<bdi>شركة الأمل</bdi>");
  });
});
