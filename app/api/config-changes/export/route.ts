import { route } from "@/lib/api/route";
import { configChangeFilterSchema } from "@/lib/audit/config-change-schemas";
import { exportConfigChangesCsv } from "@/lib/audit/export-config-changes-csv";
import { db } from "@/lib/db";
import { toCsvResponse } from "@/lib/records/to-csv-response";

// GET /api/config-changes/export – the change log a filter matches, as CSV (one line per changed field).
export const GET = route({ query: configChangeFilterSchema }, async ({ query }) =>
  toCsvResponse({ chunks: exportConfigChangesCsv({ db: db(), filter: query }), filename: `config-changes-${new Date().toISOString().slice(0, 10)}.csv` }),
);
