import { isDeepStrictEqual } from "node:util";
import type { FormField } from "../connectors/types";
import { labelInSentence, readFieldValue } from "./form-values";

/**
 * The fields, in words, whose change means the stored secrets may not be reused: the base URL, and
 * every setting the connector declares with `guardsSecrets` (tenant, entity, token endpoint: they
 * decide where and as whom the secrets are sent). Empty when none changed.
 */
export const guardFieldsChanged = ({
  settingsFields,
  baseUrlLabel,
  before,
  after,
}: {
  settingsFields: FormField[];
  baseUrlLabel: string;
  before: { baseUrl: string; settings: Record<string, unknown> };
  after: { baseUrl: string; settings: Record<string, unknown> };
}): string[] => {
  const changed = before.baseUrl.replace(/\/+$/, "") !== after.baseUrl.replace(/\/+$/, "") ? [labelInSentence(baseUrlLabel)] : [];
  const blankAsUnset = (v: unknown) => (v === "" || v === null ? undefined : v);
  for (const field of settingsFields) {
    if (!field.guardsSecrets) continue;
    if (!isDeepStrictEqual(blankAsUnset(readFieldValue(before.settings, field.name)), blankAsUnset(readFieldValue(after.settings, field.name)))) changed.push(labelInSentence(field.label));
  }
  return changed;
};
