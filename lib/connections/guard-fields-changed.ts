import { isDeepStrictEqual } from "node:util";
import type { VendorId } from "./schemas";

/** Settings that say where or as whom a connection's secrets are sent, per vendor (besides the URL). */
const GUARDING_SETTINGS: Partial<Record<VendorId, { key: string; label: string }[]>> = {
  acumatica: [{ key: "tenant", label: "tenant" }],
};

/**
 * The fields, in words, whose change means the stored secrets may not be reused: the base URL and
 * the vendor's guarding settings. Empty when none changed.
 */
export const guardFieldsChanged = ({
  vendor,
  before,
  after,
}: {
  vendor: VendorId;
  before: { baseUrl: string; settings: Record<string, unknown> };
  after: { baseUrl: string; settings: Record<string, unknown> };
}): string[] => {
  const changed = before.baseUrl.replace(/\/+$/, "") !== after.baseUrl.replace(/\/+$/, "") ? ["URL"] : [];
  for (const { key, label } of GUARDING_SETTINGS[vendor] ?? []) {
    const norm = (v: unknown) => (v === "" ? undefined : v);
    if (!isDeepStrictEqual(norm(before.settings[key]), norm(after.settings[key]))) changed.push(label);
  }
  return changed;
};
