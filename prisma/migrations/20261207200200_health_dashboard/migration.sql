-- Connection health (lib/health/get-connection-health.ts) and the dashboard's "retrying" list read the
-- records whose last attempt failed with a retryable error: pending with an error (waiting for a
-- retry) or failed after spending their retries, newest first per flow and status. A partial index
-- holds only those records, not the posted million, and with the status as a key column the count of
-- retrying records is an index-only scan.
CREATE INDEX "SyncRecord_flowId_status_updatedAt_idx" ON "SyncRecord" ("flowId", status, "updatedAt" DESC)
  WHERE (status = 'pending' AND "lastError" IS NOT NULL) OR (status = 'failed' AND "statusReason" = 'retries-exhausted');

-- The dashboard's "recent failures": the newest failed records of a flow. Without it the flow's 30,000
-- failed records were fetched and sorted by updatedAt, ~1 s at 1,000,000 records.
CREATE INDEX "SyncRecord_flowId_updatedAt_idx" ON "SyncRecord" ("flowId", "updatedAt" DESC) WHERE status = 'failed';

-- The last successful post of each flow (when did the target last accept a document), read by
-- connection health; postedAt is set once, when a record is first posted.
CREATE INDEX "SyncRecord_flowId_postedAt_idx" ON "SyncRecord" ("flowId", "postedAt" DESC) WHERE "postedAt" IS NOT NULL;

-- What held records wait on, one row per (record, missing key), kept by triggers from
-- SyncRecord.status/missing. The coverage view (lib/sync/list-missing-mappings.ts: records and amount
-- waiting per missing mapping) read every held record's JSON from the wide SyncRecord rows, ~0.9 s for
-- the 40,000 held records of a flow at 1,000,000 records; over this narrow table it is an index-only scan.
CREATE TABLE "HeldKey" (
    "recordId" UUID NOT NULL,
    "flowId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "dependency" BOOLEAN NOT NULL,
    "currency" TEXT,
    "amount" DECIMAL(18,4),
    "label" TEXT,

    CONSTRAINT "HeldKey_pkey" PRIMARY KEY ("recordId","kind","sourceKey")
);
CREATE INDEX "HeldKey_flowId_kind_sourceKey_idx" ON "HeldKey"("flowId", "kind", "sourceKey", "dependency", "currency", "amount", "label");

CREATE FUNCTION "SyncRecord_keep_held_keys"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM "HeldKey" WHERE "recordId" = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'held' AND jsonb_typeof(NEW.missing) = 'array' THEN
    INSERT INTO "HeldKey" ("recordId", "flowId", kind, "sourceKey", dependency, currency, amount, label)
    SELECT NEW.id, NEW."flowId", m->>'kind', m->>'sourceKey', COALESCE((m->>'dependency')::boolean, false), NEW.currency, NEW.amount, m->>'label'
    FROM jsonb_array_elements(NEW.missing) m
    WHERE jsonb_typeof(m) = 'object' AND m->>'kind' IS NOT NULL AND m->>'sourceKey' IS NOT NULL
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;

-- Only writes that involve a held record pay for the trigger (records are ingested pending and posted
-- without ever being held).
CREATE TRIGGER "SyncRecord_held_keys_insert" AFTER INSERT ON "SyncRecord"
  FOR EACH ROW WHEN (NEW.status = 'held') EXECUTE FUNCTION "SyncRecord_keep_held_keys"();
CREATE TRIGGER "SyncRecord_held_keys_update" AFTER UPDATE OF status, missing, amount, currency, "flowId" ON "SyncRecord"
  FOR EACH ROW WHEN (OLD.status = 'held' OR NEW.status = 'held') EXECUTE FUNCTION "SyncRecord_keep_held_keys"();
CREATE TRIGGER "SyncRecord_held_keys_delete" AFTER DELETE ON "SyncRecord"
  FOR EACH ROW WHEN (OLD.status = 'held') EXECUTE FUNCTION "SyncRecord_keep_held_keys"();

-- The records held before this migration.
INSERT INTO "HeldKey" ("recordId", "flowId", kind, "sourceKey", dependency, currency, amount, label)
SELECT r.id, r."flowId", m->>'kind', m->>'sourceKey', COALESCE((m->>'dependency')::boolean, false), r.currency, r.amount, m->>'label'
FROM "SyncRecord" r, jsonb_array_elements(r.missing) m
WHERE r.status = 'held' AND jsonb_typeof(r.missing) = 'array' AND jsonb_typeof(m) = 'object' AND m->>'kind' IS NOT NULL AND m->>'sourceKey' IS NOT NULL
ON CONFLICT DO NOTHING;
