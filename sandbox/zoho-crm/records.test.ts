import { describe, expect, it } from "vitest";
import { parseMultipart } from "./form-body";
import { STANDARD_FIELDS, type FieldDef, type ModuleName } from "./metadata";
import { createRecordStore, type RecordChange } from "./records";

const user = { id: "1", name: "Test User", email: "t@example.com" };
const customerId: FieldDef = { api_name: "Customer_ID", field_label: "Customer ID", data_type: "text", unique: true, custom_field: true };

const newStore = () => {
  const changes: RecordChange[] = [];
  let now = Date.parse("2026-12-07T10:00:00Z");
  const store = createRecordStore({
    now: () => (now += 1_000),
    fields: (module: ModuleName) => (module === "Accounts" ? [...STANDARD_FIELDS.Accounts, customerId] : STANDARD_FIELDS[module]),
    user,
    onChange: (change) => changes.push(change),
  });
  return { store, changes };
};

describe("Zoho CRM record store", () => {
  it("changing a unique value frees the old one and takes the new one", () => {
    const { store } = newStore();
    const a = store.write({ module: "Accounts", mode: "insert", record: { Account_Name: "A", Customer_ID: "C1" }, index: 0 });
    expect(a.status).toBe("success");
    const id = a.status === "success" ? String(a.details.id) : "";
    expect(store.write({ module: "Accounts", mode: "update", record: { id, Customer_ID: "C2" }, index: 0 }).status).toBe("success");
    expect(store.write({ module: "Accounts", mode: "insert", record: { Account_Name: "B", Customer_ID: "C1" }, index: 0 }).status).toBe("success");
    expect(store.write({ module: "Accounts", mode: "insert", record: { Account_Name: "C", Customer_ID: "c2" }, index: 0 })).toMatchObject({ code: "DUPLICATE_DATA", details: { duplicate_record: { id } } });
    expect(store.duplicates()).toEqual([]);
  });

  it("reports what changed, and clears a field written as null unless it is mandatory", () => {
    const { store, changes } = newStore();
    const created = store.write({ module: "Accounts", mode: "insert", record: { Account_Name: "A", Phone: "1", Website: "https://a.example" }, index: 0 });
    const id = created.status === "success" ? String(created.details.id) : "";
    store.write({ module: "Accounts", mode: "update", record: { id, Phone: null, Website: "https://a.example" }, index: 0 });
    expect(changes.at(-1)).toMatchObject({ operation: "update", fields: ["Phone"], values: { Phone: null } });
    expect(store.write({ module: "Accounts", mode: "update", record: { id, Account_Name: null }, index: 3 })).toMatchObject({ code: "MANDATORY_NOT_FOUND", details: { json_path: "$.data[3].Account_Name" } });
  });

  it("checks JSON types, dates and picklists", () => {
    const { store } = newStore();
    const write = (record: Record<string, unknown>) => store.write({ module: "Deals", mode: "insert", record: { Deal_Name: "D", Stage: "Qualification", Closing_Date: "2027-01-31", ...record }, index: 0 });
    expect(write({}).status).toBe("success");
    expect(write({ Amount: "100" })).toMatchObject({ code: "INVALID_DATA", details: { api_name: "Amount", expected_data_type: "currency" } });
    expect(write({ Closing_Date: "31/01/2027" })).toMatchObject({ code: "INVALID_DATA", details: { api_name: "Closing_Date" } });
    expect(write({ Stage: "Won" })).toMatchObject({ code: "INVALID_DATA", details: { api_name: "Stage" } });
    expect(write({ Probability: 12.5 })).toMatchObject({ code: "INVALID_DATA", details: { api_name: "Probability", expected_data_type: "integer" } });
  });

  it("snapshot and restore keep records and indexes", () => {
    const { store } = newStore();
    store.write({ module: "Accounts", mode: "insert", record: { Account_Name: "A", Customer_ID: "C1" }, index: 0 });
    const copy = newStore().store;
    copy.restore(JSON.parse(JSON.stringify(store.snapshot())));
    expect(copy.lookup("Accounts", "Customer_ID", "C1")).toHaveLength(1);
    expect(copy.write({ module: "Accounts", mode: "insert", record: { Account_Name: "B", Customer_ID: "C1" }, index: 0 }).status).toBe("error");
  });
});

describe("multipart token form", () => {
  it("reads the text fields of a multipart body", () => {
    const body = Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nrefresh_token\r\n--XyZ\r\nContent-Disposition: form-data; name="client_id"\r\n\r\n1000.ABC\r\n--XyZ--\r\n');
    expect(parseMultipart(body, "multipart/form-data; boundary=XyZ")).toEqual({ grant_type: "refresh_token", client_id: "1000.ABC" });
  });
});
