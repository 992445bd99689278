import { isDeepStrictEqual } from "node:util";
import { getConnector } from "../connectors/registry";
import { decryptJson } from "../crypto";
import type { Db } from "../db";
import { AppError } from "../errors";
import { SECRET_FIELDS, type ParsedConnectionForm } from "./form-schemas";
import { guardFieldsChanged } from "./guard-fields-changed";
import { fromDbVendor } from "./schemas";

/** A connection as the form would save it: stored secrets kept where a field was left blank. */
export type ConnectionDraft = {
  vendor: ParsedConnectionForm["vendor"];
  name: string;
  baseUrl: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  /** the saved connection the form edits, if any */
  existing: { id: string; baseUrl: string; settings: Record<string, unknown>; secrets: Record<string, string> } | null;
  /** true when the draft differs from what is saved (always true for a new connection) */
  isChanged: boolean;
  /** true when what authenticates (URL, secrets, tenant) differs from what is saved */
  isAuthChanged: boolean;
};

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * Merges a parsed form with the saved connection (settings the form does not manage are kept;
 * blank secrets keep the stored value) and validates the result with the vendor connector's
 * schemas, naming the first missing field in words.
 */
export const resolveConnectionDraft = async ({ db, form }: { db: Db; form: ParsedConnectionForm }): Promise<ConnectionDraft> => {
  let existing: ConnectionDraft["existing"] = null;
  if (form.id) {
    const row = await db.connection.findUnique({ where: { id: form.id } });
    if (!row) throw new AppError("NOT_FOUND", { userMessage: "This connection does not exist (any more)." });
    if (fromDbVendor(row.vendor) !== form.vendor) throw new AppError("INVALID_INPUT", { userMessage: "The vendor of a connection cannot be changed." });
    const secrets = Object.fromEntries(Object.entries(asRecord(decryptJson(row.credentials, { context: row.id }))).filter((e): e is [string, string] => typeof e[1] === "string"));
    existing = { id: row.id, baseUrl: row.baseUrl, settings: asRecord(row.settings), secrets };
  }

  const settings: Record<string, unknown> = { ...(existing?.settings ?? {}) };
  for (const [key, value] of Object.entries(form.settings)) {
    if (value === undefined) delete settings[key];
    else settings[key] = key === "callout" ? { ...asRecord(settings.callout), ...asRecord(value) } : value;
  }
  // Stored secrets go only to the host (and tenant) they were entered for: when a field that says
  // where or as whom they are sent changes, none is kept and each must be entered again.
  const movedFields = existing ? guardFieldsChanged({ vendor: form.vendor, before: { baseUrl: existing.baseUrl, settings: existing.settings }, after: { baseUrl: form.baseUrl, settings } }) : [];
  const secrets: Record<string, string> = movedFields.length === 0 ? { ...(existing?.secrets ?? {}) } : {};
  for (const [key, value] of Object.entries(form.secrets)) if (value !== undefined) secrets[key] = value;

  const missing: Record<string, string> = {};
  for (const field of SECRET_FIELDS[form.vendor]) {
    if (!field.isRequired || secrets[field.key]) continue;
    missing[`secrets.${field.key}`] =
      movedFields.length > 0 && existing?.secrets[field.key]
        ? `Enter the ${field.label.toLowerCase()} again: the ${movedFields.join(" and ")} changed, and stored secrets are only sent where they were entered for.`
        : `Enter the ${field.label.toLowerCase()}.`;
  }
  if (Object.keys(missing).length > 0) throw new AppError("INVALID_INPUT", { userMessage: Object.values(missing)[0]!, fields: missing });
  const connector = getConnector(form.vendor);
  const parsedSettings = connector.settingsSchema.safeParse(settings);
  if (!parsedSettings.success) {
    const issue = parsedSettings.error.issues[0];
    throw new AppError("INVALID_INPUT", { userMessage: `${issue?.path.join(".") ?? "settings"}: ${issue?.message ?? "invalid"}` });
  }

  const isAuthChanged =
    !existing || existing.baseUrl !== form.baseUrl || !isDeepStrictEqual(existing.secrets, secrets) || existing.settings.tenant !== settings.tenant;
  const isChanged = isAuthChanged || !isDeepStrictEqual(existing!.settings, settings);
  return { vendor: form.vendor, name: form.name, baseUrl: form.baseUrl, settings, secrets, existing, isChanged, isAuthChanged };
};
