import { isDeepStrictEqual } from "node:util";
import { decryptJson } from "../crypto";
import type { Db } from "../db";
import { AppError } from "../errors";
import type { ParsedConnectionForm } from "./form-schemas";
import { applyFieldValues, labelInSentence } from "./form-values";
import { getConnectorForm } from "./get-connector-form";
import { getConnector } from "../connectors/registry";
import { guardFieldsChanged } from "./guard-fields-changed";

/** A connection as the form would save it: stored secrets kept where a field was left blank (and allowed). */
export type ConnectionDraft = {
  vendor: string;
  name: string;
  baseUrl: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  /** the saved connection the form edits, if any */
  existing: { id: string; baseUrl: string; settings: Record<string, unknown>; secrets: Record<string, string> } | null;
  /** true when the draft differs from what is saved (always true for a new connection) */
  isChanged: boolean;
  /** true when what authenticates (URL, secrets, guarding settings) differs from what is saved */
  isAuthChanged: boolean;
};

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** zod issues of a connector schema as field problems ("settings.callout.headerName" -> message). */
const issuesByField = (prefix: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]) =>
  Object.fromEntries(issues.map((i) => [`${prefix}.${i.path.map(String).join(".")}`, i.message]).reverse());

/**
 * Merges a parsed form with the saved connection and checks it against the vendor connector's form
 * declaration and schemas: only declared settings and secrets, required ones present, settings the
 * form does not declare kept. Blank secrets keep the stored value, unless the URL or a setting that
 * guards the secrets changed: then nothing stored is kept and each required secret must be entered
 * again. Every problem is an AppError INVALID_INPUT with `fields` by path, the first one in words.
 */
export const resolveConnectionDraft = async ({ db, form }: { db: Db; form: ParsedConnectionForm }): Promise<ConnectionDraft> => {
  const declaration = getConnectorForm(form.vendor);
  let existing: ConnectionDraft["existing"] = null;
  if (form.id) {
    const row = await db.connection.findUnique({ where: { id: form.id } });
    if (!row) throw new AppError("NOT_FOUND", { userMessage: "This connection does not exist (any more)." });
    if (row.vendor !== form.vendor) throw new AppError("INVALID_INPUT", { userMessage: "The system of a connection cannot be changed.", fields: { vendor: "The system of a connection cannot be changed." } });
    const secrets = Object.fromEntries(Object.entries(asRecord(decryptJson(row.credentials, { context: row.id }))).filter((e): e is [string, string] => typeof e[1] === "string"));
    existing = { id: row.id, baseUrl: row.baseUrl, settings: asRecord(row.settings), secrets };
  }

  const applied = applyFieldValues({ fields: declaration.settings, values: form.settings, base: existing?.settings ?? {}, prefix: "settings" });
  const settings = applied.settings;
  const errors: Record<string, string> = { ...applied.errors };

  // Stored secrets go only where they were entered for: after a change of the URL or of a guarding
  // setting none is kept, and each must be entered again.
  const moved = existing
    ? guardFieldsChanged({ settingsFields: declaration.settings, baseUrlLabel: declaration.baseUrl.label, before: existing, after: { baseUrl: form.baseUrl, settings } })
    : [];
  const declaredSecrets = new Set(declaration.secrets.map((f) => f.name));
  const secrets: Record<string, string> = moved.length === 0 ? { ...(existing?.secrets ?? {}) } : {};
  for (const [key, value] of Object.entries(form.secrets)) {
    if (!declaredSecrets.has(key)) errors[`secrets.${key}`] = `There is no secret "${key}" here.`;
    else if (value !== undefined) secrets[key] = value;
  }
  for (const field of declaration.secrets) {
    if (!field.required || secrets[field.name]) continue;
    errors[`secrets.${field.name}`] =
      moved.length > 0 && existing?.secrets[field.name]
        ? `Enter the ${labelInSentence(field.label)} again: the ${moved.join(" and ")} changed, and stored secrets are only sent where they were entered for.`
        : `Enter the ${labelInSentence(field.label)}.`;
  }

  if (Object.keys(errors).length === 0) {
    const connector = getConnector(form.vendor);
    const parsedSettings = connector.settingsSchema.safeParse(settings);
    if (!parsedSettings.success) Object.assign(errors, issuesByField("settings", parsedSettings.error.issues));
    const parsedSecrets = connector.secretsSchema.safeParse(secrets);
    if (!parsedSecrets.success) Object.assign(errors, issuesByField("secrets", parsedSecrets.error.issues));
  }
  if (Object.keys(errors).length > 0) throw new AppError("INVALID_INPUT", { userMessage: Object.values(errors)[0]!, fields: errors });

  const isAuthChanged = !existing || moved.length > 0 || !isDeepStrictEqual(existing.secrets, secrets);
  const isChanged = isAuthChanged || existing!.baseUrl !== form.baseUrl || !isDeepStrictEqual(existing!.settings, settings);
  return { vendor: form.vendor, name: form.name, baseUrl: form.baseUrl, settings, secrets, existing, isChanged, isAuthChanged };
};
