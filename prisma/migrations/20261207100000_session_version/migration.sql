-- Sessions are JWTs in a cookie; each carries the user's sessionVersion from sign-in. A password
-- change, a sign-out, a demotion or a removal bumps the version, so every token issued before no
-- longer opens a session (lib/auth/resolve-session-user.ts).
-- AlterTable
ALTER TABLE "User" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;
