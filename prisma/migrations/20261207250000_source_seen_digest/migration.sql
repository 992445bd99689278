-- The md5 of the newest source payload read for a record (its jsonb text, which is canonical), so a
-- re-read at the same version stamp can tell a change from a repeat. Vendors stamp changes to the
-- second: a second change within the same second keeps the stamp. For a posted document the stored
-- payload stays the one that was posted, so this digest is the only trace of what was read last.
-- Rows written before this column compare payloads instead (NULL here).
ALTER TABLE "SyncRecord" ADD COLUMN "sourceSeenDigest" TEXT;
