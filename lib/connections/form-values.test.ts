import { describe, expect, it } from "vitest";
import type { FormField } from "../connectors/types";
import { applyFieldValues, declaredFieldValues, initialFieldValues, labelInSentence } from "./form-values";

const fields: FormField[] = [
  { name: "region", label: "Region", type: "select", required: true, options: [{ value: "eu", label: "Europe" }, { value: "us", label: "United States" }] },
  { name: "callout.headerName", label: "Signature header", type: "text", defaultValue: "X-Sig" },
  { name: "pageSize", label: "Page size", type: "number" },
  { name: "postJournal", label: "Post a journal", type: "boolean", defaultValue: false },
  { name: "journalAccount", label: "Journal account", type: "text", required: true, shownWhen: "postJournal" },
  { name: "apiKey", label: "API key", type: "secret", required: true },
];

const apply = (values: Record<string, string | boolean>, base: Record<string, unknown> = {}) => applyFieldValues({ fields, values, base, prefix: "settings" });

describe("declared form values", () => {
  it("writes dotted names as nested settings, parses numbers, drops blanks and keeps what the form does not declare", () => {
    const { settings, errors } = apply(
      { region: "eu", "callout.headerName": " X-Signature ", pageSize: "50", postJournal: false, journalAccount: "" },
      { requestsPerMinute: 600, callout: { algorithm: "SHA-512", headerName: "old" }, journalAccount: "11000" },
    );
    expect(errors).toEqual({});
    expect(settings).toEqual({ requestsPerMinute: 600, region: "eu", callout: { algorithm: "SHA-512", headerName: "X-Signature" }, pageSize: 50, postJournal: false });
  });

  it("names each problem at its field: required, required while shown, not a number, not a choice, not declared", () => {
    expect(apply({ region: "", pageSize: "many", postJournal: true }).errors).toEqual({
      "settings.region": "Enter the region.",
      "settings.pageSize": "Page size is a number.",
      "settings.journalAccount": "Enter the journal account.",
    });
    expect(apply({ region: "asia", color: "red" }).errors).toEqual({ "settings.color": 'There is no setting "color" here.', "settings.region": "Choose one of: Europe, United States." });
    // a required field left out of the form is satisfied by what is stored
    expect(apply({ postJournal: true }, { region: "us", journalAccount: "11000" }).errors).toEqual({});
  });

  it("starts a new form from the defaults and an edit from what is stored, showing only declared settings", () => {
    expect(initialFieldValues(fields, null)).toEqual({ region: "", "callout.headerName": "X-Sig", pageSize: "", postJournal: false, journalAccount: "", apiKey: "" });
    const stored = declaredFieldValues(fields, { region: "us", callout: { headerName: "X-Zig" }, pageSize: 20, internal: "hidden", apiKey: "never" });
    expect(stored).toEqual({ region: "us", "callout.headerName": "X-Zig", pageSize: 20 });
    expect(initialFieldValues(fields, stored)).toMatchObject({ region: "us", "callout.headerName": "X-Zig", pageSize: "20", postJournal: false });
  });

  it("puts labels into sentences without lowering acronyms", () => {
    expect(["Client ID", "Tenant URL", "API key", "Tenant (company)"].map(labelInSentence)).toEqual(["client ID", "tenant URL", "API key", "tenant (company)"]);
  });
});
