import Papa from "papaparse";
import type { ValueMapKindView } from "./list-value-map-kinds";
import { saveValueMapInputSchema } from "./schemas";

/** CSV columns, in export order; `kind`, `sourceKey` and `targetValue` are required. */
export const VALUE_MAP_CSV_COLUMNS = ["kind", "sourceKey", "targetValue", "sourceLabel", "targetLabel"] as const;

/** A cell the export neutralised: an apostrophe before what a spreadsheet would run as a formula. */
const FORMULA_ESCAPED = /^'(?=[=+\-@\t\r])/;

/** One problem of one CSV line (`line` counts the header as line 1). */
export type CsvRowError = { line: number; message: string };

export type ParsedValueMapRow = { line: number; kind: string; sourceKey: string; targetValue: string; sourceLabel?: string; targetLabel?: string };

/**
 * Parses and validates a value-map CSV completely, so nothing is applied unless every row is good:
 * required columns, a kind the flow declares, non-empty keys, no (kind, sourceKey) twice in the file, and, where
 * `targets` is given for a kind, a target value that exists in the target system.
 */
export const parseValueMapCsv = ({
  csv,
  flowId,
  kinds,
  targets = {},
}: {
  csv: string;
  flowId: string;
  /** the flow's value-map kinds (its definition's) */
  kinds: Pick<ValueMapKindView, "kind" | "targetLabel">[];
  /** known target keys per kind (from the cached catalogue); a kind left out is not checked */
  targets?: Partial<Record<string, ReadonlySet<string>>>;
}): { rows: ParsedValueMapRow[]; errors: CsvRowError[] } => {
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (h) => h.trim(),
    // undo the export's formula neutralising, so an exported file imports to the same values
    transform: (value) => value.replace(FORMULA_ESCAPED, ""),
  });
  const errors: CsvRowError[] = [];
  const header = parsed.meta.fields ?? [];
  const missing = ["kind", "sourceKey", "targetValue"].filter((c) => !header.includes(c));
  if (missing.length > 0) return { rows: [], errors: [{ line: 1, message: `The header must name the columns kind, sourceKey, targetValue (missing: ${missing.join(", ")}).` }] };
  for (const e of parsed.errors) if (e.code !== "TooFewFields" && e.code !== "TooManyFields") errors.push({ line: (e.row ?? 0) + 2, message: e.message });
  const rows: ParsedValueMapRow[] = [];
  const seen = new Map<string, number>();
  parsed.data.forEach((raw, i) => {
    const line = i + 2;
    const kind = raw.kind?.trim() ?? "";
    const declared = kinds.find((k) => k.kind === kind);
    if (!declared) {
      errors.push({ line, message: `kind "${kind}" is not one of ${kinds.map((k) => k.kind).join(", ")}.` });
      return;
    }
    const result = saveValueMapInputSchema.safeParse({ flowId, kind, sourceKey: raw.sourceKey ?? "", targetValue: raw.targetValue ?? "", sourceLabel: raw.sourceLabel, targetLabel: raw.targetLabel });
    if (!result.success) {
      const issue = result.error.issues[0]!;
      errors.push({ line, message: `${issue.path.join(".")} ${issue.message}.` });
      return;
    }
    const row = result.data;
    const dupKey = `${row.kind}\u0000${row.sourceKey}`;
    const first = seen.get(dupKey);
    if (first !== undefined) {
      errors.push({ line, message: `${row.kind} "${row.sourceKey}" is already mapped on line ${first}.` });
      return;
    }
    seen.set(dupKey, line);
    const known = targets[row.kind];
    if (known && !known.has(row.targetValue)) {
      errors.push({ line, message: `${declared.targetLabel} "${row.targetValue}" does not exist in the target system.` });
      return;
    }
    rows.push({ line, kind: row.kind, sourceKey: row.sourceKey, targetValue: row.targetValue, ...(row.sourceLabel ? { sourceLabel: row.sourceLabel } : {}), ...(row.targetLabel ? { targetLabel: row.targetLabel } : {}) });
  });
  if (rows.length === 0 && errors.length === 0) errors.push({ line: 1, message: "The file has a header but no rows." });
  return { rows, errors: errors.sort((a, b) => a.line - b.line) };
};

/**
 * The value maps as CSV (same columns the import reads), with a header row. A cell that begins with
 * =, +, -, @, a tab or a carriage return (labels come from vendor data, e.g. account names) is
 * written with a leading apostrophe, so a spreadsheet shows it as text instead of running it as a
 * formula (papaparse's escapeFormulae; the import removes the apostrophe again).
 */
export const formatValueMapCsv = (rows: { kind: string; sourceKey: string; targetValue: string; sourceLabel: string | null; targetLabel: string | null }[]) =>
  Papa.unparse({ fields: [...VALUE_MAP_CSV_COLUMNS], data: rows.map((r) => VALUE_MAP_CSV_COLUMNS.map((c) => r[c] ?? "")) }, { newline: "\n", escapeFormulae: true }) + "\n";
