import Papa from "papaparse";
import type { Db } from "../db";
import { buildRecordWhere } from "./build-record-where";
import { recordFilterSchema, type RecordFilter } from "./schemas";

/** Most records whose trails one export holds. */
export const MAX_TRAIL_EXPORT_RECORDS = 5000;

export const RECORD_EVENTS_CSV_COLUMNS = ["record_id", "document", "event_id", "at_utc", "kind", "actor", "detail"] as const;

/**
 * The audit trail of the given records (or of the newest MAX_TRAIL_EXPORT_RECORDS a list filter matches) as CSV: one line per event, by record then oldest first, with
 * the event's detail as JSON and the actor's email. Formula-like cells are neutralised (escapeFormulae).
 */
export async function* exportRecordEventsCsv({ db, recordIds, filter }: { db: Db; recordIds?: string[]; filter?: RecordFilter }): AsyncGenerator<string> {
  const where = recordIds ? { id: { in: [...new Set(recordIds)].slice(0, MAX_TRAIL_EXPORT_RECORDS) } } : buildRecordWhere(recordFilterSchema.parse(filter ?? {}));
  const records = await db.syncRecord.findMany({ where, select: { id: true, naturalKey: true, sourceId: true }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: MAX_TRAIL_EXPORT_RECORDS });
  yield `${RECORD_EVENTS_CSV_COLUMNS.join(",")}\r\n`;
  for (let i = 0; i < records.length; i += 200) {
    const batch = records.slice(i, i + 200);
    const document = new Map(batch.map((r) => [r.id, r.naturalKey ?? r.sourceId]));
    const events = await db.recordEvent.findMany({
      where: { recordId: { in: batch.map((r) => r.id) } },
      orderBy: [{ recordId: "asc" }, { id: "asc" }],
      select: { id: true, recordId: true, kind: true, detail: true, createdAt: true, actor: { select: { email: true } } },
    });
    const order = new Map(batch.map((r, n) => [r.id, n]));
    events.sort((a, b) => order.get(a.recordId)! - order.get(b.recordId)! || (a.id < b.id ? -1 : 1));
    const rows = events.map((e) => [e.recordId, document.get(e.recordId) ?? "", e.id.toString(), e.createdAt.toISOString(), e.kind, e.actor?.email ?? "", JSON.stringify(e.detail)]);
    if (rows.length > 0) yield Papa.unparse({ fields: [...RECORD_EVENTS_CSV_COLUMNS], data: rows }, { header: false, newline: "\r\n", escapeFormulae: true }) + "\r\n";
  }
}
