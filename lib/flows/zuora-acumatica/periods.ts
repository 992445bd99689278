// Acumatica's financial periods as records of the flow ("period"), so a document held in a closed
// period is released by the engine when its period opens: the flow's poll reads the calendar (one
// call), a period whose state changed is planned again, and an open period posts (nothing is written
// to Acumatica), which releases the records holding on it.
import { z } from "zod";
import type { ChangedPage, SourceDocument, SourcePort } from "../../connectors/ports";
import type { PeriodLookup } from "../../connectors/acumatica/target";

// Persisted JSON: SyncRecord.sourcePayload of "period" records; changing it needs a data migration.
export const periodDocumentSchema = z.object({
  /** "MMYYYY" */
  period: z.string().regex(/^\d{6}$/),
  /** "MM-YYYY", as Acumatica shows it */
  label: z.string(),
  status: z.enum(["Open", "Closed"]),
});
export type PeriodDocument = z.infer<typeof periodDocumentSchema>;

/**
 * A period as a source document. No version: the ledger compares payloads, so a period is planned
 * again exactly when its state changes (Closed -> Open releases what it holds).
 */
const periodDocument = (period: string, status: "Open" | "Closed"): SourceDocument => ({
  objectType: "period",
  sourceId: period,
  sourceVersion: null,
  naturalKey: `${period.slice(0, 2)}-${period.slice(2)}`,
  amount: null,
  currency: null,
  documentDate: null,
  payload: periodDocumentSchema.parse({ period, label: `${period.slice(0, 2)}-${period.slice(2)}`, status }),
});

/** The flow's source: Zuora's documents, plus Acumatica's periods under object type "period". */
export const withPeriods = (source: SourcePort, periods: PeriodLookup): SourcePort => ({
  fetchDocument: async (options) => {
    if (options.objectType !== "period") return source.fetchDocument(options);
    const state = await periods.state(options.sourceId, { fresh: true });
    return periodDocument(options.sourceId, state === "Closed" ? "Closed" : "Open");
  },
  listChanged: async (options): Promise<ChangedPage> => {
    if (options.objectType !== "period") return source.listChanged(options);
    // The whole calendar in one page, every time (a few dozen periods); versions are compared by payload.
    const all = await periods.all();
    return {
      items: all.map(([period, state]) => ({ sourceId: period, sourceVersion: "", document: periodDocument(period, state === "Closed" ? "Closed" : "Open") })),
      nextCursor: null,
      maxVersion: null,
    };
  },
});
