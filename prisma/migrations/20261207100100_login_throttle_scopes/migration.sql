-- Sign-in counters are now per scope ("account:<e-mail>", "device:<e-mail>|<id>", "address:<ip>",
-- "password-change:<user id>"); the old per-e-mail rows mean nothing under the new keys.
DELETE FROM "LoginThrottle";

-- Counters quiet for a day are deleted on each sign-in attempt (lib/auth/claim-login-attempt.ts).
-- CreateIndex
CREATE INDEX "LoginThrottle_lastFailureAt_idx" ON "LoginThrottle"("lastFailureAt");
