import Papa from "papaparse";
import type { Db } from "../db";
import type { ConfigChangeFilter } from "./config-change-schemas";
import { listConfigChanges } from "./list-config-changes";

export const CONFIG_CHANGES_CSV_COLUMNS = ["at_utc", "actor", "entity", "action", "name", "flow", "field", "from", "to"] as const;

/** Most entries one export holds. */
export const MAX_CONFIG_CHANGES_EXPORT = 50_000;

const cell = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));

/**
 * The change log a filter matches, newest first, as CSV: one line per changed field (old -> new; a
 * secret reads "(changed)" in both columns), one line for an entry with no field. Formula-like cells
 * are neutralised (escapeFormulae).
 */
export async function* exportConfigChangesCsv({ db, filter }: { db: Db; filter?: ConfigChangeFilter }): AsyncGenerator<string> {
  yield `${CONFIG_CHANGES_CSV_COLUMNS.join(",")}\r\n`;
  let cursor: string | null = null;
  let exported = 0;
  do {
    const page: Awaited<ReturnType<typeof listConfigChanges>> = await listConfigChanges({ db, filter, cursor, limit: 500 });
    const rows = page.items.flatMap((c) => {
      const base = [c.at.toISOString(), c.actorEmail ?? "(system)", c.entity, c.action, c.entityLabel, c.flow?.name ?? ""];
      if (c.changes.length === 0) return [[...base, "", "", ""]];
      return c.changes.map((f) => ("changed" in f ? [...base, f.field, "(changed)", "(changed)"] : [...base, f.field, cell(f.from), cell(f.to)]));
    });
    if (rows.length > 0) yield Papa.unparse({ fields: [...CONFIG_CHANGES_CSV_COLUMNS], data: rows }, { header: false, newline: "\r\n", escapeFormulae: true }) + "\r\n";
    exported += page.items.length;
    cursor = page.nextCursor;
  } while (cursor && exported < MAX_CONFIG_CHANGES_EXPORT);
}
