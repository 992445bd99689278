-- Connection health (lib/health/get-connection-health.ts) and the dashboard's "retrying" list read the
-- records whose last attempt failed with a retryable error (pending with an error, or failed after
-- spending their retries), newest first per flow. A partial index keeps that a few index pages
-- however large the ledger grows (it holds only those records, not the posted million).
CREATE INDEX "SyncRecord_flowId_updatedAt_idx" ON "SyncRecord" ("flowId", "updatedAt" DESC)
  WHERE (status = 'pending' AND "lastError" IS NOT NULL) OR (status = 'failed' AND "statusReason" = 'retries-exhausted');

-- The last successful post of each flow (when did the target last accept a document), read by
-- connection health; postedAt is set once, when a record is first posted.
CREATE INDEX "SyncRecord_flowId_postedAt_idx" ON "SyncRecord" ("flowId", "postedAt" DESC) WHERE "postedAt" IS NOT NULL;
