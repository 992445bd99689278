-- The records search is "contains, in any case" on the source document number, the target reference
-- and the source id ("inv00000470", "00000470", "ar000522"): ILIKE '%…%', which only a trigram index
-- serves (a btree serves prefixes only). pg_trgm ships with Postgres.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- DropIndex (the prefix index of the former "starts with" search; the trigram index serves prefixes too)
DROP INDEX "SyncRecord_naturalKey_idx";

-- CreateIndex
CREATE INDEX "SyncRecord_naturalKey_idx" ON "SyncRecord" USING GIN ("naturalKey" gin_trgm_ops);
CREATE INDEX "SyncRecord_targetRef_idx" ON "SyncRecord" USING GIN ("targetRef" gin_trgm_ops);
CREATE INDEX "SyncRecord_sourceId_idx" ON "SyncRecord" USING GIN ("sourceId" gin_trgm_ops);

-- The document-date and amount filters of the records list: without them a month of document dates
-- with an amount range scanned the createdAt index for ~540 ms at 1,000,000 records (BENCHMARKS.md).
CREATE INDEX "SyncRecord_documentDate_amount_idx" ON "SyncRecord"("documentDate", "amount");
CREATE INDEX "SyncRecord_amount_idx" ON "SyncRecord"("amount");
