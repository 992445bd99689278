-- The vendor limiter's state (lib/http/limits.ts) is ephemeral: a rate's next send time and the
-- leases of in-flight calls. Unlogged, its writes skip the WAL, so the 1-3 statements each vendor
-- call makes no longer wait for a WAL flush at commit (measured 2.8-5.1 ms per upsert against
-- 0.5-0.8 ms unlogged on the bench's Postgres under load; bench/README.md). After a crash Postgres
-- empties unlogged tables: the rate starts afresh and the limiter inserts its slots again.
ALTER TABLE "VendorRateLimit" SET UNLOGGED;
ALTER TABLE "VendorCallSlot" SET UNLOGGED;
