import type { VendorErrorPaths } from "../connectors/types";

/** A value map row as the resolver needs it. */
export type ResolverValueMap = { id: string; kind: string; sourceKey: string; sourceLabel: string | null; targetValue: string; targetLabel: string | null };

/** One part of a vendor error traced back to what we sent and the mapping that chose it. */
export type ResolvedVendorError = {
  /** the vendor's path, e.g. "Details[2].Account" */
  path: string;
  /** the vendor's sentence for that path */
  message: string;
  /** the line of the mapped document (1-based), when the path names one */
  line?: { number: number; linesField: string; description: string | null; amount: number | null };
  /** the mapped document's field, e.g. "account" */
  field: string;
  /** the value sent in that field */
  value: string | null;
  /** value maps of the flow that produce this value (the one of this line first) */
  maps: ResolverValueMap[];
};

/** "<path>: <text>" or "<path> '<value>': <text>" within one "; "-separated part of a message. */
const PART = /(?:^|:\s)([A-Za-z_]\w*(?:\[\d+\])?(?:\.[A-Za-z_]\w*(?:\[\d+\])?)*)(?: '([^']*)')?:\s(.+)$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const scalar = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : null);

/** Every string (and number) value inside a JSON value, for matching value-map source keys. */
const stringsIn = (value: unknown, out = new Set<string>(), depth = 0): Set<string> => {
  if (depth > 6) return out;
  const s = scalar(value);
  if (s !== null) out.add(s);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out, depth + 1);
  else if (isRecord(value)) for (const v of Object.values(value)) stringsIn(v, out, depth + 1);
  return out;
};

const LINE_TEXT_FIELDS = ["description", "chargeName", "productName", "name"];
const LINE_AMOUNT_FIELDS = ["amount", "unitPrice", "amountPaid", "taxAmount"];

/**
 * Traces each field error of a vendor's message ("Details[2].Account: Account '40000' is inactive.")
 * to the mapped document we sent (`mappedPayload`), using the paths the target connector declares:
 * which line, which field, which value, and which of the flow's value maps produce that value. When
 * several maps produce it, those whose source key appears in the same line of the source document
 * (or anywhere in it) come first. Parts whose path the connector does not declare are left out.
 */
export const resolveVendorError = ({
  message,
  errorPaths,
  mappedPayload,
  sourcePayload,
  valueMaps,
}: {
  message: string;
  errorPaths: VendorErrorPaths | undefined;
  mappedPayload: unknown;
  sourcePayload: unknown;
  valueMaps: readonly ResolverValueMap[];
}): ResolvedVendorError[] => {
  if (!errorPaths || !isRecord(mappedPayload)) return [];
  const out: ResolvedVendorError[] = [];
  for (const part of message.split(/;\s+/)) {
    const m = PART.exec(part.trim());
    if (!m) continue;
    const [, path, quoted, text] = m as unknown as [string, string, string | undefined, string];
    let found: Omit<ResolvedVendorError, "maps"> & { sourceLine?: unknown } | undefined;
    for (const rule of errorPaths.lines ?? []) {
      const hit = rule.pattern.exec(path);
      if (!hit) continue;
      const index = Number(hit[1]) - rule.indexBase;
      const vendorField = hit[2] ?? "";
      const lines = mappedPayload[rule.linesField];
      const line = Array.isArray(lines) ? lines[index] : undefined;
      if (!isRecord(line)) continue;
      const field = rule.fields[vendorField] ?? vendorField.charAt(0).toLowerCase() + vendorField.slice(1);
      const sourceLines = isRecord(sourcePayload) ? sourcePayload[rule.linesField] : undefined;
      const amount = LINE_AMOUNT_FIELDS.map((f) => line[f]).find((v) => typeof v === "number");
      found = {
        path,
        message: text.trim(),
        line: {
          number: index + 1,
          linesField: rule.linesField,
          description: LINE_TEXT_FIELDS.map((f) => scalar(line[f])).find((v) => v) ?? null,
          amount: typeof amount === "number" ? amount : null,
        },
        field,
        value: scalar(line[field]) ?? quoted ?? null,
        sourceLine: Array.isArray(sourceLines) ? sourceLines[index] : undefined,
      };
      break;
    }
    if (!found) {
      const field = errorPaths.fields?.[path];
      if (!field) continue;
      found = { path, message: text.trim(), field, value: scalar(mappedPayload[field]) ?? quoted ?? null };
    }
    const value = found.value;
    const candidates = value === null ? [] : valueMaps.filter((v) => v.targetValue === value);
    const inLine = found.sourceLine === undefined ? new Set<string>() : stringsIn(found.sourceLine);
    const inSource = stringsIn(sourcePayload);
    const rank = (v: ResolverValueMap) => (inLine.has(v.sourceKey) ? 0 : inSource.has(v.sourceKey) ? 1 : 2);
    const best = Math.min(...candidates.map(rank));
    const { sourceLine: _sourceLine, ...rest } = found;
    out.push({ ...rest, maps: candidates.filter((v) => rank(v) === best).sort((a, b) => a.kind.localeCompare(b.kind) || a.sourceKey.localeCompare(b.sourceKey)).slice(0, 5) });
  }
  return out;
};
