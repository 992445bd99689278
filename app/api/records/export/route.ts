import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { exportRecordsCsv } from "@/lib/records/export-records-csv";
import { recordFilterSchema } from "@/lib/records/schemas";
import { toCsvResponse } from "@/lib/records/to-csv-response";

// GET /api/records/export – the records of a list filter as CSV (newest first, at most 100,000).
export const GET = route({ query: recordFilterSchema }, async ({ query }) =>
  toCsvResponse({ chunks: exportRecordsCsv({ db: db(), filter: query }), filename: `records-${new Date().toISOString().slice(0, 10)}.csv` }),
);
