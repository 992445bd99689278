import { z } from "zod";
import { route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { exportRecordEventsCsv } from "@/lib/records/export-record-events-csv";
import { recordFilterSchema } from "@/lib/records/schemas";
import { toCsvResponse } from "@/lib/records/to-csv-response";

const querySchema = recordFilterSchema.extend({
  /** comma-separated record ids (a selection, at most 200); without them, the records of the filter */
  ids: z
    .string()
    .max(8_000)
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.uuid()).min(1).max(200))
    .optional(),
});

// GET /api/records/events-export – the audit trail of some records (ids) or of a list filter, as CSV.
export const GET = route({ query: querySchema }, async ({ query: { ids, ...filter } }) =>
  toCsvResponse({
    chunks: ids ? exportRecordEventsCsv({ db: db(), recordIds: ids }) : exportRecordEventsCsv({ db: db(), filter }),
    filename: `records-audit-trail-${new Date().toISOString().slice(0, 10)}.csv`,
  }),
);
