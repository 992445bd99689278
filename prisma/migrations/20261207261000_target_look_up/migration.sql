-- What a first-pass poll page's batched look-up (TargetPort.lookUpMany) answered for a record's
-- natural key, and when it was sent (the database's clock, less the time the poll took from sending
-- it to the page's INSERT): "targetFound" holds the target's references as lookUpMany returned them
-- (an empty array: the target holds none of the record's documents). A record ingested another way,
-- or re-ingested with a new version, has neither. The claim hands the answer and its age to the
-- record's first attempt only (no attempt of the record has run since the page asked), so the planner
-- of any worker process can take it for a look-up of its own made that long ago (e.g. a customer is
-- not looked up again moments after the page did), for as long as the flow trusts such a look-up.
-- Not indexed: the claim's update stays a HOT update.
ALTER TABLE "SyncRecord"
  ADD COLUMN "targetLookedUpAt" timestamptz(3),
  ADD COLUMN "targetFound" jsonb;
