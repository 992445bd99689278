-- Document-number search in the records browser is a prefix match (LIKE 'INV0001%'), which a
-- default-collation btree cannot serve: at 1,000,000 records it was a full scan (~360 ms).
-- DropIndex
DROP INDEX "SyncRecord_naturalKey_idx";

-- CreateIndex
CREATE INDEX "SyncRecord_naturalKey_idx" ON "SyncRecord"("naturalKey" text_pattern_ops);
