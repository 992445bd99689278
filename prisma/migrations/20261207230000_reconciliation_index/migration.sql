-- The dashboard's "billed vs posted" (lib/dashboard/get-period-reconciliation.ts) sums a flow's documents
-- of one month by type, currency and status. Through ("documentDate", amount) it read every record of
-- the month of every flow from the wide SyncRecord rows (~80,000 heap rows at the end of a month at
-- 1,000,000 records); with every column it reads in this index it is an index-only scan of the flow's month.
CREATE INDEX "SyncRecord_flowId_documentDate_idx"
  ON "SyncRecord" ("flowId", "documentDate", "objectType", currency, status, amount) WHERE amount IS NOT NULL;
