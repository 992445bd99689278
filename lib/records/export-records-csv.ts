import Papa from "papaparse";
import type { Db } from "../db";
import { listRecords } from "./list-records";
import type { RecordFilter } from "./schemas";

/** Most records one export holds (the rest is cut, and the last line says so). */
export const MAX_EXPORT_RECORDS = 100_000;

export const RECORDS_CSV_COLUMNS = ["id", "flow_id", "object_type", "document", "source_id", "status", "reason", "amount", "currency", "document_date", "target_ref", "attempts", "last_error", "received_utc", "posted_utc"] as const;

/** One CSV chunk; a cell a spreadsheet would run as a formula ("=", "+", "-", "@", tab, CR) is prefixed with an apostrophe. */
const toCsv = (rows: unknown[][], header: boolean) => Papa.unparse({ fields: [...RECORDS_CSV_COLUMNS], data: rows }, { header, newline: "\r\n", escapeFormulae: true }) + "\r\n";

/**
 * The records of a list filter as CSV (RFC 4180, newest first, the same rows the list shows), in chunks
 * of one keyset page each so a large export streams without holding it in memory. Instants are ISO
 * 8601 in UTC; the document date is the date as written; amounts are exact decimals.
 */
export async function* exportRecordsCsv({ db, filter, max = MAX_EXPORT_RECORDS }: { db: Db; filter: RecordFilter; max?: number }): AsyncGenerator<string> {
  let cursor: string | null = null;
  let sent = 0;
  let first = true;
  do {
    const page: Awaited<ReturnType<typeof listRecords>> = await listRecords({ db, filter, cursor, limit: Math.min(200, max - sent) });
    const rows = page.items.map((r) => [
      r.id,
      r.flowId,
      r.objectType,
      r.naturalKey ?? "",
      r.sourceId,
      r.status,
      r.statusReason ?? "",
      r.amount ?? "",
      r.currency ?? "",
      r.documentDate ? r.documentDate.toISOString().slice(0, 10) : "",
      r.targetRef ?? "",
      r.attempts,
      r.lastError ?? "",
      r.createdAt.toISOString(),
      r.postedAt ? r.postedAt.toISOString() : "",
    ]);
    if (rows.length > 0 || first) yield toCsv(rows, first);
    first = false;
    sent += rows.length;
    cursor = page.nextCursor;
  } while (cursor && sent < max);
}
