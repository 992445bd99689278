-- Fewer index entries per SyncRecord row version (issue 17: the settle's and the claim's updates are
-- mostly not HOT, so each new row version goes into every index whose predicate it meets).

-- The records search ("contains, any case" on the document number, the target reference and the
-- source id) in ONE trigram index of the three columns instead of three: a row version then costs one
-- insertion into a GIN pending list (and one WAL record of its meta page) instead of three. The search's
-- OR of three ILIKEs is still a BitmapOr of the three columns' scans, each on this index.
DROP INDEX "SyncRecord_naturalKey_idx";
DROP INDEX "SyncRecord_targetRef_idx";
DROP INDEX "SyncRecord_sourceId_idx";
CREATE INDEX "SyncRecord_naturalKey_targetRef_sourceId_idx" ON "SyncRecord" USING GIN ("naturalKey" gin_trgm_ops, "targetRef" gin_trgm_ops, "sourceId" gin_trgm_ops);

-- Paired flows read a partner's record by the target document it created (targetId = a value): only
-- rows that have one. Ingested and claimed rows (no targetId yet) no longer go into it, and it no longer
-- holds one long run of NULL keys per flow and object type.
DROP INDEX "SyncRecord_flowId_objectType_targetId_idx";
CREATE INDEX "SyncRecord_flowId_objectType_targetId_idx" ON "SyncRecord"("flowId", "objectType", "targetId") WHERE "targetId" IS NOT NULL;
