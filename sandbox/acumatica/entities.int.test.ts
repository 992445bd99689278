import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadSpecValidator } from "./spec-validator";
import { startAcumatica, type TestAcumatica, val, wrap } from "./test-server";

const spec = loadSpecValidator();
let nowMs = Date.parse("2024-05-15T12:00:00Z");
let acu: TestAcumatica;

type Entity = Record<string, unknown>;

/** Every request body sent and every entity received must match the vendor's schema. */
const checked = async (entity: string, method: string, path: string, body?: Entity, headers?: Record<string, string>) => {
  if (body) expect(spec.errors(entity, body), `request ${entity}`).toEqual([]);
  const res = await acu.api(method, path, body, headers);
  if (res.status === 200 || res.status === 422) {
    const items = Array.isArray(res.body) ? res.body : [res.body];
    for (const item of items) expect(spec.errors(entity, item), `response ${entity}`).toEqual([]);
  } else if (res.status >= 400) {
    expect(spec.errors("HttpError", res.body), "HttpError").toEqual([]);
  }
  return res;
};

const invoiceBody = (over: Record<string, unknown> = {}, lines: Record<string, unknown>[] = [{ Account: "40100", Qty: 1, UnitPrice: 100 }]) =>
  wrap({
    Type: "Invoice",
    Customer: "ACME",
    Date: "2024-05-10T00:00:00+00:00",
    Description: "Subscription May",
    CustomerOrder: "INV00000001",
    Hold: false,
    Details: lines.map((l) => ({ TransactionDescription: "Line", ...l })),
    ...over,
  });

const createInvoice = async (over: Record<string, unknown> = {}, lines?: Record<string, unknown>[]) => {
  const res = await checked("Invoice", "PUT", "/Invoice", invoiceBody(over, lines));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Entity;
};

const release = async (entity: "Invoice" | "Payment" | "JournalTransaction", action: string, keys: Record<string, unknown>) => {
  const res = await acu.api("POST", `/${entity}/${action}`, { entity: wrap(keys) });
  expect(res.status, res.text).toBe(202);
  const location = res.headers.get("location") ?? "";
  expect(location).toMatch(new RegExp(`^/acumatica/entity/Default/24\\.200\\.001/${entity}/${action}/status/[0-9a-f-]{36}$`));
  return location;
};

const pollLocation = async (location: string) => {
  const { access_token } = await acu.token();
  const res = await fetch(`${acu.origin}${location}`, { headers: { authorization: `Bearer ${access_token}` } });
  return { status: res.status, location: res.headers.get("location") };
};

beforeAll(async () => {
  // One 202 poll then 204, whatever the timing: the protocol tests below step through it.
  acu = await startAcumatica({ now: () => new Date(nowMs), actionPolls: 1, actionMs: 0 });
});
afterAll(async () => {
  await acu.close();
});
beforeEach(() => {
  acu.sandbox.control.reset();
  acu.forgetToken();
  acu.sandbox.control.seed({
    customers: [
      { CustomerID: "ACME", CustomerName: "Acme Corp", CurrencyID: "USD", Status: "Active" },
      { CustomerID: "GLOBEX", CustomerName: "Globex", CurrencyID: "USD", Status: "Active" },
      { CustomerID: "OLDCO", CustomerName: "Old Co", CurrencyID: "USD", Status: "Inactive" },
    ],
    closedPeriods: ["03-2024"],
  });
});

describe("value wrapping", () => {
  it("rejects a flat field value with 400 and Acumatica's error body", async () => {
    const res = await acu.api("PUT", "/Customer", { CustomerID: "FLAT", CustomerName: { value: "Flat Inc" } });
    expect(res.status).toBe(400);
    expect(spec.errors("HttpError", res.body)).toEqual([]);
    const body = res.body as { message: string; exceptionMessage: string; exceptionType: string; stackTrace: string; modelState: Record<string, string[]> };
    expect(body.message).toBe("The request is invalid.");
    expect(body.exceptionMessage).toContain("CustomerID");
    expect(body.exceptionType).toEqual(expect.any(String));
    expect(body.stackTrace).toEqual(expect.any(String));
    expect(Object.keys(body.modelState)).toEqual(["entity.CustomerID"]);
    expect(acu.sandbox.control.documents("Customer").some((c) => c.CustomerID === "FLAT")).toBe(false);
  });

  it("rejects a flat value inside a detail line and a wrong value type", async () => {
    const flatLine = invoiceBody();
    (flatLine.Details as Entity[])[0] = { Account: "40100", Qty: { value: 1 } };
    expect((await acu.api("PUT", "/Invoice", flatLine)).status).toBe(400);
    const wrongType = invoiceBody({ Hold: "maybe" });
    const res = await acu.api("PUT", "/Invoice", wrongType);
    expect(res.status).toBe(400);
    expect((res.body as { exceptionMessage: string }).exceptionMessage).toContain("Hold");
  });

  it("returns every field wrapped, with system fields plain", async () => {
    const invoice = await createInvoice();
    expect(invoice.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(invoice.rowNumber).toBe(1);
    for (const [key, value] of Object.entries(invoice)) {
      if (["id", "rowNumber", "custom", "_links", "note"].includes(key)) continue;
      expect(value, key).toHaveProperty("value");
    }
  });
});

describe("PUT create or update", () => {
  it("creates a customer, updates it by key, and honours If-None-Match / If-Match with 412", async () => {
    const created = await checked("Customer", "PUT", "/Customer", wrap({ CustomerID: "NEWCO", CustomerName: "New Co", Email: "ap@newco.test" }));
    expect(created.status).toBe(200);
    expect(val(created.body, "Status")).toBe("Active");
    expect(val(created.body, "CurrencyID")).toBe("USD");

    const insertAgain = await checked("Customer", "PUT", "/Customer", wrap({ CustomerID: "NEWCO", CustomerName: "Dup" }), { "if-none-match": "*" });
    expect(insertAgain.status).toBe(412);

    const updateMissing = await checked("Customer", "PUT", "/Customer", wrap({ CustomerID: "NOPE", CustomerName: "Nope" }), { "if-match": "*" });
    expect(updateMissing.status).toBe(412);
    expect(acu.sandbox.control.documents("Customer").some((c) => c.CustomerID === "NOPE")).toBe(false);

    const updated = await checked("Customer", "PUT", "/Customer", wrap({ CustomerID: "newco", CustomerName: "New Co Ltd" }), { "if-match": "*" });
    expect(updated.status).toBe(200);
    expect(val(updated.body, "CustomerName")).toBe("New Co Ltd");
    expect((updated.body as Entity).id).toBe((created.body as Entity).id);
    expect(acu.sandbox.control.documents("Customer").filter((c) => String(c.CustomerID).toLowerCase() === "newco")).toHaveLength(1);
  });

  it("auto-numbers a customer sent without CustomerID and keeps MainContact as a linked entity", async () => {
    const res = await checked("Customer", "PUT", "/Customer?$expand=MainContact", {
      ...wrap({ CustomerName: "Numbered Inc" }),
      MainContact: wrap({ Email: "billing@numbered.test", Address: { City: "Kirkland", Country: "US" } }),
    });
    expect(res.status).toBe(200);
    expect(val(res.body, "CustomerID")).toBe("C000001");
    const contact = (res.body as { MainContact: Entity }).MainContact;
    expect(val(contact, "Email")).toBe("billing@numbered.test");
    expect(val((contact as { Address: Entity }).Address, "City")).toBe("Kirkland");
  });

  it("auto-numbers AR invoices, ignoring a ReferenceNbr that does not exist", async () => {
    const first = await createInvoice();
    const second = await createInvoice({ ReferenceNbr: "MYOWN-1", CustomerOrder: "INV00000002" });
    expect(val(first, "ReferenceNbr")).toBe("AR000001");
    expect(val(second, "ReferenceNbr")).toBe("AR000002");
    expect(val(first, "Amount")).toBe(100);
    expect(val(first, "Balance")).toBe(100);
    expect(val(first, "Status")).toBe("Balanced");
    expect(val(first, "PostPeriod")).toBe("052024");
  });

  it("updates an existing invoice by Type + ReferenceNbr and appends detail lines sent without id", async () => {
    const invoice = await createInvoice({ Hold: true });
    const res = await checked(
      "Invoice",
      "PUT",
      "/Invoice?$expand=Details",
      wrap({ Type: "Invoice", ReferenceNbr: val(invoice, "ReferenceNbr"), Details: [{ Account: "40200", Qty: 2, UnitPrice: 25 }] }),
      { "if-match": "*" },
    );
    expect(res.status).toBe(200);
    expect(val(res.body, "Amount")).toBe(150);
    expect(val(res.body, "Status")).toBe("On Hold");
    const lines = (res.body as { Details: Entity[] }).Details;
    expect(lines.map((l) => val(l, "LineNbr"))).toEqual([1, 2]);

    const deleteFirst = await acu.api("PUT", "/Invoice?$expand=Details", {
      ...wrap({ Type: "Invoice", ReferenceNbr: val(invoice, "ReferenceNbr") }),
      Details: [{ id: lines[0]?.id, delete: true }],
    });
    expect(deleteFirst.status).toBe(200);
    expect(val(deleteFirst.body, "Amount")).toBe(50);
  });

  it("treats If-None-Match: * on an auto-numbered document as a plain insert", async () => {
    await createInvoice();
    const res = await checked("Invoice", "PUT", "/Invoice", invoiceBody({ CustomerOrder: "INV00000009" }), { "if-none-match": "*" });
    expect(res.status).toBe(200);
    expect(val(res.body, "ReferenceNbr")).toBe("AR000002");
  });

  it("answers 412 for If-None-Match: * when the keys of an existing invoice are sent", async () => {
    const invoice = await createInvoice();
    const res = await checked(
      "Invoice",
      "PUT",
      "/Invoice",
      wrap({ Type: "Invoice", ReferenceNbr: val(invoice, "ReferenceNbr"), Description: "again" }),
      { "if-none-match": "*" },
    );
    expect(res.status).toBe(412);
  });

  it("creates a credit memo as an Invoice of Type Credit Memo", async () => {
    const memo = await createInvoice({ Type: "Credit Memo", CustomerOrder: "CM00000001" }, [{ Account: "40100", Qty: 1, UnitPrice: 30 }]);
    expect(val(memo, "Type")).toBe("Credit Memo");
    expect(val(memo, "Amount")).toBe(30);
    const byKeys = await checked("Invoice", "GET", `/Invoice/Credit%20Memo/${String(val(memo, "ReferenceNbr"))}`);
    expect(byKeys.status).toBe(200);
    expect((byKeys.body as Entity).id).toBe(memo.id);
    const byCode = await acu.api("GET", `/Invoice/CRM/${String(val(memo, "ReferenceNbr"))}`);
    expect((byCode.body as Entity).id).toBe(memo.id);
  });
});

describe("field-level errors (422)", () => {
  const errorOf = (entity: unknown, field: string) => ((entity as Record<string, { error?: string } | undefined>)[field] ?? {}).error;

  it("reports an unknown customer on the Customer field", async () => {
    const res = await checked("Invoice", "PUT", "/Invoice", invoiceBody({ Customer: "NOBODY" }));
    expect(res.status).toBe(422);
    expect(errorOf(res.body, "Customer")).toBe("Customer 'NOBODY' cannot be found in the system.");
    expect((res.body as { error: string }).error).toContain("raised at least one error");
    expect(acu.sandbox.control.documents("Invoice")).toHaveLength(0);
  });

  it("reports an inactive customer", async () => {
    const res = await checked("Invoice", "PUT", "/Invoice", invoiceBody({ Customer: "OLDCO" }));
    expect(res.status).toBe(422);
    expect(errorOf(res.body, "Customer")).toContain("Inactive");
  });

  it("reports an inactive and an unknown GL account on the detail line", async () => {
    const res = await checked("Invoice", "PUT", "/Invoice", invoiceBody({}, [{ Account: "49000", Qty: 1, UnitPrice: 5 }, { Account: "99999", Qty: 1, UnitPrice: 5 }]));
    expect(res.status).toBe(422);
    const lines = (res.body as { Details: Entity[] }).Details;
    expect(errorOf(lines[0], "Account")).toBe("Account '49000' is inactive.");
    expect(errorOf(lines[1], "Account")).toBe("Account '99999' cannot be found in the system.");
  });

  it("reports a document date or PostPeriod in a closed period", async () => {
    const byDate = await checked("Invoice", "PUT", "/Invoice", invoiceBody({ Date: "2024-03-20T00:00:00+00:00" }));
    expect(byDate.status).toBe(422);
    expect(errorOf(byDate.body, "PostPeriod")).toContain("03-2024");
    const byPeriod = await checked("Invoice", "PUT", "/Invoice", invoiceBody({ PostPeriod: "032024" }));
    expect(byPeriod.status).toBe(422);
    const open = await checked("Invoice", "PUT", "/Invoice", invoiceBody({ Date: "2024-04-02T00:00:00+00:00" }));
    expect(open.status).toBe(200);
    expect(val(open.body, "PostPeriod")).toBe("042024");
  });

  it("reports a journal line on an inactive account, a closed period and an out-of-balance batch", async () => {
    const batch = (over: Record<string, unknown>, lines: Record<string, unknown>[]) =>
      wrap({ TransactionDate: "2024-05-10T00:00:00+00:00", Description: "Zuora INV00000001", Hold: false, ...over, Details: lines });
    const inactive = await checked("JournalTransaction", "PUT", "/JournalTransaction", batch({}, [{ Account: "50000", DebitAmount: 10 }, { Account: "49000", CreditAmount: 10 }]));
    expect(inactive.status).toBe(422);
    expect(errorOf((inactive.body as { Details: Entity[] }).Details[1], "Account")).toContain("inactive");
    const closed = await checked("JournalTransaction", "PUT", "/JournalTransaction", batch({ TransactionDate: "2024-03-05T00:00:00+00:00" }, [{ Account: "50000", DebitAmount: 10 }, { Account: "40100", CreditAmount: 10 }]));
    expect(closed.status).toBe(422);
    expect(errorOf(closed.body, "PostPeriod")).toContain("closed");
    const unbalanced = await checked("JournalTransaction", "PUT", "/JournalTransaction", batch({}, [{ Account: "50000", DebitAmount: 10 }, { Account: "40100", CreditAmount: 9 }]));
    expect(unbalanced.status).toBe(422);
    expect((unbalanced.body as { error: string }).error).toContain("out of balance");
    const ok = await checked("JournalTransaction", "PUT", "/JournalTransaction", batch({}, [{ Account: "50000", DebitAmount: 10 }, { Account: "40100", CreditAmount: 10 }]));
    expect(ok.status).toBe(200);
    expect(val(ok.body, "BatchNbr")).toBe("000001");
    expect(val(ok.body, "Module")).toBe("GL");
    expect(val(ok.body, "Status")).toBe("Balanced");
    const location = await release("JournalTransaction", "ReleaseJournalTransaction", { Module: "GL", BatchNbr: "000001" });
    expect((await pollLocation(location)).status).toBe(202);
    expect((await pollLocation(location)).status).toBe(204);
    expect(val((await acu.api("GET", "/JournalTransaction/GL/000001")).body, "Status")).toBe("Posted");
  });
});

describe("reads: keys, id, $expand, $select", () => {
  it("gets an invoice by keys and by id, with Details only when expanded", async () => {
    const invoice = await createInvoice();
    const ref = String(val(invoice, "ReferenceNbr"));
    const plain = await checked("Invoice", "GET", `/Invoice/Invoice/${ref}`);
    expect(plain.status).toBe(200);
    expect(plain.body).not.toHaveProperty("Details");
    expect(val(plain.body, "CustomerOrder")).toBe("INV00000001");

    const expanded = await checked("Invoice", "GET", `/Invoice/Invoice/${ref}?$expand=Details`);
    const lines = (expanded.body as { Details: Entity[] }).Details;
    expect(lines).toHaveLength(1);
    expect(val(lines[0], "Account")).toBe("40100");
    expect(val(lines[0], "Amount")).toBe(100);

    const byId = await checked("Invoice", "GET", `/Invoice/${String(invoice.id)}`);
    expect(val(byId.body, "ReferenceNbr")).toBe(ref);

    const missing = await checked("Invoice", "GET", "/Invoice/Invoice/AR999999");
    expect(missing.status).toBe(404);
  });

  it("serves the same records under 23.200.001, valid against that version's Swagger 2.0 document", async () => {
    const invoice = await createInvoice();
    const { access_token } = await acu.token();
    const res = await acu.call("GET", `/entity/Default/23.200.001/Invoice/Invoice/${String(val(invoice, "ReferenceNbr"))}?$expand=Details`, { bearer: access_token });
    expect(res.status).toBe(200);
    expect(spec.errors("Invoice", res.body, "23.200.001")).toEqual([]);
    expect((res.body as { _links: { self: string } })._links.self).toBe(`/acumatica/entity/Default/23.200.001/Invoice/${String(invoice.id)}`);
    const broken = { ...(res.body as Entity), Amount: 5 };
    expect(spec.errors("Invoice", broken, "23.200.001")).not.toEqual([]);
  });

  it("limits fields with $select", async () => {
    await createInvoice();
    const res = await checked("Invoice", "GET", "/Invoice?$select=ReferenceNbr,Balance");
    const [row] = res.body as Entity[];
    expect(Object.keys(row ?? {}).filter((k) => !["id", "rowNumber", "note", "custom", "_links"].includes(k)).sort()).toEqual(["Balance", "ReferenceNbr"]);
  });

  it("answers 400 for an unknown $expand name", async () => {
    const res = await checked("Invoice", "GET", "/Invoice?$expand=Nope");
    expect(res.status).toBe(400);
  });
});

describe("$filter, $top, $skip", () => {
  it("finds an invoice by its stored Zuora number (eq on CustomerOrder), case-insensitively", async () => {
    for (let i = 1; i <= 5; i++) await createInvoice({ CustomerOrder: `INV0000012${i}` });
    const res = await checked("Invoice", "GET", `/Invoice?$filter=${encodeURIComponent("CustomerOrder eq 'INV00000123'")}`);
    expect(res.status).toBe(200);
    expect((res.body as Entity[]).map((r) => val(r, "CustomerOrder"))).toEqual(["INV00000123"]);
    const lower = await acu.api("GET", `/Invoice?$filter=${encodeURIComponent("CustomerOrder eq 'inv00000123'")}`);
    expect(lower.body).toHaveLength(1);
    const none = await acu.api("GET", `/Invoice?$filter=${encodeURIComponent("CustomerOrder eq 'INV99999999'")}`);
    expect(none.body).toEqual([]);
  });

  it("filters by LastModifiedDateTime gt datetimeoffset'...' (the polling cursor)", async () => {
    nowMs = Date.parse("2024-05-15T12:00:00Z");
    await createInvoice({ CustomerOrder: "A" });
    nowMs = Date.parse("2024-05-15T12:05:00Z");
    await createInvoice({ CustomerOrder: "B" });
    nowMs = Date.parse("2024-05-15T12:10:00Z");
    await createInvoice({ CustomerOrder: "C" });
    const since = async (literal: string) => {
      const res = await checked("Invoice", "GET", `/Invoice?$filter=${encodeURIComponent(`LastModifiedDateTime gt datetimeoffset'${literal}'`)}`);
      expect(res.status).toBe(200);
      return (res.body as Entity[]).map((r) => val(r, "CustomerOrder"));
    };
    expect(await since("2024-05-15T12:05:00Z")).toEqual(["C"]);
    expect(await since("2024-05-15T12:04:59.999Z")).toEqual(["B", "C"]);
    expect(await since("2024-05-15T14:00:00+02:00")).toEqual(["B", "C"]);
    const row = (await acu.api("GET", "/Invoice?$top=1")).body as Entity[];
    expect(val(row[0], "LastModifiedDateTime")).toBe("2024-05-15T12:00:00.000+00:00");
  });

  it("combines and/or, ne, gt on decimals, startswith and substringof", async () => {
    await createInvoice({ CustomerOrder: "INV-1", Description: "Alpha plan" }, [{ Account: "40100", Qty: 1, UnitPrice: 10 }]);
    await createInvoice({ CustomerOrder: "INV-2", Customer: "GLOBEX", Description: "Beta plan" }, [{ Account: "40100", Qty: 1, UnitPrice: 20 }]);
    await createInvoice({ CustomerOrder: "INV-3", Description: "Gamma" }, [{ Account: "40100", Qty: 1, UnitPrice: 30 }]);
    const q = async (filter: string) => {
      const res = await acu.api("GET", `/Invoice?$filter=${encodeURIComponent(filter)}`);
      expect(res.status, res.text).toBe(200);
      return (res.body as Entity[]).map((r) => val(r, "CustomerOrder"));
    };
    expect(await q("Customer eq 'ACME' and Amount gt 15")).toEqual(["INV-3"]);
    expect(await q("CustomerOrder eq 'INV-1' or CustomerOrder eq 'INV-3'")).toEqual(["INV-1", "INV-3"]);
    expect(await q("Customer ne 'ACME'")).toEqual(["INV-2"]);
    expect(await q("Amount ge 20 and Amount le 20")).toEqual(["INV-2"]);
    expect(await q("Amount lt 20")).toEqual(["INV-1"]);
    expect(await q("startswith(Description,'beta')")).toEqual(["INV-2"]);
    expect(await q("substringof('plan', Description) and not (Customer eq 'GLOBEX')")).toEqual(["INV-1"]);
    expect(await q("Status eq 'Balanced' and Date ge datetimeoffset'2024-05-10T00:00:00Z'")).toEqual(["INV-1", "INV-2", "INV-3"]);
  });

  it("answers 400 for a malformed filter and for a field the entity does not have", async () => {
    expect((await checked("Invoice", "GET", `/Invoice?$filter=${encodeURIComponent("CustomerOrder eq")}`)).status).toBe(400);
    expect((await checked("Invoice", "GET", `/Invoice?$filter=${encodeURIComponent("Nope eq 'x'")}`)).status).toBe(400);
    expect((await checked("Invoice", "GET", "/Invoice?$top=abc")).status).toBe(400);
  });

  it("pages with $top/$skip in creation order without overlap", async () => {
    for (let i = 1; i <= 7; i++) await createInvoice({ CustomerOrder: `P${i}` });
    const pages: unknown[][] = [];
    for (let skip = 0; ; skip += 3) {
      const res = await checked("Invoice", "GET", `/Invoice?$top=3&$skip=${skip}`);
      const rows = res.body as Entity[];
      pages.push(rows.map((r) => val(r, "CustomerOrder")));
      if (rows.length < 3) break;
    }
    expect(pages).toEqual([["P1", "P2", "P3"], ["P4", "P5", "P6"], ["P7"]]);
    const filtered = await acu.api("GET", `/Invoice?$filter=${encodeURIComponent("startswith(CustomerOrder,'P')")}&$skip=5&$top=10`);
    expect((filtered.body as Entity[]).map((r) => val(r, "CustomerOrder"))).toEqual(["P6", "P7"]);
  });
});

describe("actions and payments", () => {
  const payment = (over: Record<string, unknown>, apply: Record<string, unknown>[]) =>
    wrap({
      Type: "Payment",
      CustomerID: "ACME",
      ApplicationDate: "2024-05-12T00:00:00+00:00",
      PaymentAmount: 100,
      PaymentMethod: "CHECK",
      CashAccount: "10200",
      PaymentRef: "CHK-1",
      ExternalRef: "P-00000001",
      Hold: false,
      ...over,
      DocumentsToApply: apply,
    });

  const openInvoice = async (over: Record<string, unknown> = {}, amount = 100) => {
    const invoice = await createInvoice(over, [{ Account: "40100", Qty: 1, UnitPrice: amount }]);
    const location = await release("Invoice", "ReleaseInvoice", { Type: "Invoice", ReferenceNbr: val(invoice, "ReferenceNbr") });
    expect(await pollLocation(location)).toMatchObject({ status: 202 });
    const done = await pollLocation(location);
    expect(done.status).toBe(204);
    expect(done.location).toBe(`/acumatica/entity/Default/24.200.001/Invoice/${String(invoice.id)}`);
    return String(val(invoice, "ReferenceNbr"));
  };

  it("releases an invoice through 202 + Location, then 204", async () => {
    const ref = await openInvoice();
    const after = await checked("Invoice", "GET", `/Invoice/Invoice/${ref}`);
    expect(val(after.body, "Status")).toBe("Open");
    expect(val(after.body, "Balance")).toBe(100);
  });

  it("answers the action itself with 204 when configured to complete at once", async () => {
    acu.sandbox.control.setActionPolls(0);
    const invoice = await createInvoice();
    const res = await acu.api("POST", "/Invoice/ReleaseInvoice", { entity: wrap({ Type: "Invoice", ReferenceNbr: val(invoice, "ReferenceNbr") }) });
    expect(res.status).toBe(204);
    expect(res.headers.get("location")).toContain(String(invoice.id));
  });

  it("reports an action running for its duration in wall time, then done", async () => {
    acu.sandbox.control.setActionPolls(0);
    acu.sandbox.control.setActionMs(600_000);
    const slow = await createInvoice({ CustomerOrder: "INV-SLOW" });
    const running = await release("Invoice", "ReleaseInvoice", { Type: "Invoice", ReferenceNbr: val(slow, "ReferenceNbr") });
    expect(await pollLocation(running)).toMatchObject({ status: 202 });
    expect(await pollLocation(running)).toMatchObject({ status: 202 });

    acu.sandbox.control.setActionMs(1);
    const fast = await createInvoice({ CustomerOrder: "INV-FAST" });
    const location = await release("Invoice", "ReleaseInvoice", { Type: "Invoice", ReferenceNbr: val(fast, "ReferenceNbr") });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await pollLocation(location)).toMatchObject({ status: 204 });
  });

  it("keeps a document Balanced while its release runs, and releases it when the operation completes", async () => {
    acu.sandbox.control.setActionPolls(0);
    acu.sandbox.control.setActionMs(600_000);
    const slow = await createInvoice({ CustomerOrder: "INV-SLOW" });
    const running = await release("Invoice", "ReleaseInvoice", { Type: "Invoice", ReferenceNbr: val(slow, "ReferenceNbr") });
    expect(await pollLocation(running)).toMatchObject({ status: 202 });
    const during = await checked("Invoice", "GET", `/Invoice?$filter=CustomerOrder eq 'INV-SLOW'&$select=Type,ReferenceNbr,Status`);
    expect((during.body as Entity[]).map((r) => val(r, "Status"))).toEqual(["Balanced"]);

    // A second action on the document while its release runs is refused (one long operation per document).
    const again = await acu.api("POST", "/Invoice/ReleaseInvoice", { entity: wrap({ Type: "Invoice", ReferenceNbr: val(slow, "ReferenceNbr") }) });
    expect(again.status).toBe(500);
    expect(again.body).toMatchObject({ exceptionMessage: "The previous operation has not been completed yet.", exceptionType: "PX.Data.PXException" });

    acu.sandbox.control.setActionMs(30);
    const fast = await createInvoice({ CustomerOrder: "INV-FAST" });
    await release("Invoice", "ReleaseInvoice", { Type: "Invoice", ReferenceNbr: val(fast, "ReferenceNbr") });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const after = await checked("Invoice", "GET", `/Invoice/Invoice/${String(val(fast, "ReferenceNbr"))}`);
    expect(val(after.body, "Status")).toBe("Open");
  });

  it("reports a release that fails while it runs at its Location (500, Acumatica's reason) and leaves the document Balanced", async () => {
    acu.sandbox.control.setActionPolls(0);
    acu.sandbox.control.setActionMs(30);
    const invoice = await createInvoice({ CustomerOrder: "INV-LATE" });
    const ref = String(val(invoice, "ReferenceNbr"));
    const held = await createInvoice({ CustomerOrder: "INV-HELD", Hold: true });
    const location = await release("Invoice", "ReleaseInvoice", { Type: "Invoice", ReferenceNbr: ref });
    // The period closes while the release runs: the release process refuses it.
    acu.sandbox.control.setPeriodStatus(["05-2024"], "Closed");
    await new Promise((resolve) => setTimeout(resolve, 60));
    const { access_token } = await acu.token();
    const res = await fetch(`${acu.origin}${location}`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(res.status).toBe(500);
    const body = (await res.json()) as Entity;
    expect(spec.errors("HttpError", body)).toEqual([]);
    expect(body).toMatchObject({ message: "An error has occurred.", exceptionType: "PX.Data.PXException" });
    expect(String(body.exceptionMessage)).toMatch(/05-2024 financial period .* closed in Accounts Receivable/);
    const after = await checked("Invoice", "GET", `/Invoice/Invoice/${ref}`);
    expect(val(after.body, "Status")).toBe("Balanced");
    // A document on hold cannot be released at all: the POST itself is refused, no operation starts.
    const refused = await acu.api("POST", "/Invoice/ReleaseInvoice", { entity: wrap({ Type: "Invoice", ReferenceNbr: val(held, "ReferenceNbr") }) });
    expect(refused.status).toBe(422);
  });

  it("refuses to release an invoice on hold and to modify a released one", async () => {
    const held = await createInvoice({ Hold: true });
    const res = await acu.api("POST", "/Invoice/ReleaseInvoice", { entity: wrap({ Type: "Invoice", ReferenceNbr: val(held, "ReferenceNbr") }) });
    expect(res.status).toBe(422);
    expect((res.body as { error: string }).error).toContain("on hold");
    const ref = await openInvoice({ CustomerOrder: "INV-R" });
    const change = await checked("Invoice", "PUT", "/Invoice", wrap({ Type: "Invoice", ReferenceNbr: ref, Description: "changed" }));
    expect(change.status).toBe(422);
    const same = await checked("Invoice", "PUT", "/Invoice", wrap({ Type: "Invoice", ReferenceNbr: ref, CustomerOrder: "INV-R" }));
    expect(same.status).toBe(200);
  });

  it("applies a payment, and its release reduces the invoice Balance and closes it", async () => {
    const ref = await openInvoice({}, 150);
    const put = await checked("Payment", "PUT", "/Payment?$expand=DocumentsToApply", payment({ PaymentAmount: 100 }, [{ DocType: "Invoice", ReferenceNbr: ref, AmountPaid: 100 }]));
    expect(put.status, put.text).toBe(200);
    expect(val(put.body, "ReferenceNbr")).toBe("000001");
    expect(val(put.body, "Status")).toBe("Balanced");
    expect(val(put.body, "AppliedToDocuments")).toBe(100);
    expect(val((await acu.api("GET", `/Invoice/Invoice/${ref}`)).body, "Balance")).toBe(150);

    const location = await release("Payment", "ReleasePayment", { Type: "Payment", ReferenceNbr: "000001" });
    expect((await pollLocation(location)).status).toBe(202);
    expect((await pollLocation(location)).status).toBe(204);
    const invoice = await checked("Invoice", "GET", `/Invoice/Invoice/${ref}?$expand=ApplicationsDefault`);
    expect(val(invoice.body, "Balance")).toBe(50);
    expect(val(invoice.body, "Status")).toBe("Open");
    expect((invoice.body as { ApplicationsDefault: Entity[] }).ApplicationsDefault.map((a) => val(a, "AmountPaid"))).toEqual([100]);
    const paid = await checked("Payment", "GET", "/Payment/Payment/000001?$expand=ApplicationHistory");
    expect(val(paid.body, "Status")).toBe("Closed");
    expect((paid.body as { ApplicationHistory: Entity[] }).ApplicationHistory).toHaveLength(1);

    const rest = await checked("Payment", "PUT", "/Payment", payment({ PaymentAmount: 50, ExternalRef: "P-00000002" }, [{ DocType: "Invoice", ReferenceNbr: ref }]));
    expect(rest.status, rest.text).toBe(200);
    await release("Payment", "ReleasePayment", { Type: "Payment", ReferenceNbr: val(rest.body, "ReferenceNbr") });
    const closed = await acu.api("GET", `/Invoice/Invoice/${ref}`);
    expect(val(closed.body, "Balance")).toBe(0);
    expect(val(closed.body, "Status")).toBe("Closed");
  });

  it("reports an amount over the balance, an unknown invoice, another customer's invoice and an unreleased invoice", async () => {
    const ref = await openInvoice({}, 80);
    const errorAt = (body: unknown, field: string) =>
      (((body as { DocumentsToApply: Record<string, { error?: string }>[] }).DocumentsToApply[0] ?? {})[field] ?? {}).error;

    const over = await checked("Payment", "PUT", "/Payment", payment({}, [{ DocType: "Invoice", ReferenceNbr: ref, AmountPaid: 90 }]));
    expect(over.status).toBe(422);
    expect(errorAt(over.body, "AmountPaid")).toContain("exceeds the balance");

    const unknown = await checked("Payment", "PUT", "/Payment", payment({}, [{ DocType: "Invoice", ReferenceNbr: "AR999999", AmountPaid: 10 }]));
    expect(unknown.status).toBe(422);
    expect(errorAt(unknown.body, "ReferenceNbr")).toBe("Reference Nbr. 'AR999999' cannot be found in the system.");

    const otherCustomer = await checked("Payment", "PUT", "/Payment", payment({ CustomerID: "GLOBEX" }, [{ DocType: "Invoice", ReferenceNbr: ref, AmountPaid: 10 }]));
    expect(otherCustomer.status).toBe(422);
    expect(errorAt(otherCustomer.body, "ReferenceNbr")).toContain("cannot be found");

    const unreleased = await createInvoice({ CustomerOrder: "INV-U" });
    const notOpen = await checked("Payment", "PUT", "/Payment", payment({}, [{ DocType: "Invoice", ReferenceNbr: val(unreleased, "ReferenceNbr"), AmountPaid: 10 }]));
    expect(notOpen.status).toBe(422);

    const unknownCustomer = await checked("Payment", "PUT", "/Payment", payment({ CustomerID: "NOBODY" }, []));
    expect(unknownCustomer.status).toBe(422);
    expect(((unknownCustomer.body as Record<string, { error?: string }>).CustomerID ?? {}).error).toContain("cannot be found");
    expect(acu.sandbox.control.documents("Payment")).toHaveLength(0);
  });

  it("counts unreleased applications against the balance, so two payments cannot over-apply one invoice", async () => {
    const ref = await openInvoice({}, 100);
    const first = await checked("Payment", "PUT", "/Payment", payment({ PaymentAmount: 70 }, [{ DocType: "Invoice", ReferenceNbr: ref, AmountPaid: 70 }]));
    expect(first.status).toBe(200);
    const second = await checked("Payment", "PUT", "/Payment", payment({ PaymentAmount: 70, ExternalRef: "P-2" }, [{ DocType: "Invoice", ReferenceNbr: ref, AmountPaid: 70 }]));
    expect(second.status).toBe(422);
  });

  it("finds a payment by ExternalRef with an indexed eq filter", async () => {
    const ref = await openInvoice();
    await checked("Payment", "PUT", "/Payment", payment({ PaymentAmount: 10, ExternalRef: "P-00000042" }, [{ DocType: "Invoice", ReferenceNbr: ref, AmountPaid: 10 }]));
    const res = await checked("Payment", "GET", `/Payment?$filter=${encodeURIComponent("ExternalRef eq 'P-00000042'")}&$expand=DocumentsToApply`);
    expect((res.body as Entity[]).map((p) => val(p, "ExternalRef"))).toEqual(["P-00000042"]);
    expect(((res.body as { DocumentsToApply: Entity[] }[])[0]?.DocumentsToApply ?? []).map((d) => val(d, "ReferenceNbr"))).toEqual([ref]);
  });
});
