-- Posting a record without a transaction across its vendor calls (issue 17).
--
-- A worker CLAIMS a pending record with a lease (owner and expiry) in one short statement, calls the
-- vendors with no transaction open, then commits the outcome only if its lease still owns the record.
-- "attempts" (already there) is the record's own attempt counter: the claim increments it, so attempt
-- numbers continue across replays.
--
-- "lookUpFirst": the target may already hold this record's documents, so each is looked up by natural
-- key before it is created. Set at ingest for records of a flow's first pass over an object type
-- (the target may hold documents entered before the flow existed); set by every claim (committed
-- before the first vendor write: an attempt that dies leaves it set) and cleared again by an outcome
-- that wrote nothing. Existing rows default to true (look up, as before).
--
-- None of these columns is indexed, so a claim or a renewal of the lease can be a HOT update.
ALTER TABLE "SyncRecord"
  ADD COLUMN "leaseOwner" text,
  ADD COLUMN "leaseUntil" timestamptz(3),
  ADD COLUMN "lookUpFirst" boolean NOT NULL DEFAULT true;
