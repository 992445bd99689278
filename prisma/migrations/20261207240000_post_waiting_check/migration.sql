-- A post's look for held records waiting on the keys it makes available, from inside the statement
-- that settles it (lib/sync/settle-record.ts). The statement takes the keys' dependency locks
-- EXCLUSIVE first; `after_locks` (their count) is passed only to make this call come after them.
-- The function is VOLATILE, so under READ COMMITTED its query takes a fresh snapshot, taken while the
-- locks are held: it sees every hold committed before them (a hold committed later sees the post
-- itself). When one waits it raises MLHLD, which undoes the whole statement: the caller then settles
-- the post again together with the release of those records, in one transaction.
CREATE OR REPLACE FUNCTION mlc_fail_if_held_waiting(flow_id uuid, keys jsonb, after_locks int) RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "SyncRecord" r WHERE r."flowId" = flow_id AND r.status = 'held'
             AND r.missing @> ANY (SELECT jsonb_build_array(k) FROM jsonb_array_elements(keys) k)) THEN
    RAISE EXCEPTION 'held records wait on keys this post makes available' USING ERRCODE = 'MLHLD';
  END IF;
  RETURN after_locks;
END
$$;
