-- Connection health (lib/health/get-connection-health.ts), the dashboard's "retrying" list and its
-- "recent failures" read the records whose last attempt failed (pending with an error, waiting for a
-- retry, or failed), newest first per flow. A partial index keeps each a few index pages however large
-- the ledger grows (it holds only those records, not the posted million): "recent failures" sorted the
-- flow's 30,000 failed records by updatedAt, ~1 s at 1,000,000 records.
CREATE INDEX "SyncRecord_flowId_updatedAt_idx" ON "SyncRecord" ("flowId", "updatedAt" DESC)
  WHERE (status = 'pending' AND "lastError" IS NOT NULL) OR status = 'failed';

-- The last successful post of each flow (when did the target last accept a document), read by
-- connection health; postedAt is set once, when a record is first posted.
CREATE INDEX "SyncRecord_flowId_postedAt_idx" ON "SyncRecord" ("flowId", "postedAt" DESC) WHERE "postedAt" IS NOT NULL;
