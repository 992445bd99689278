-- A flow setting: held records waiting on a mapping are released as soon as that mapping is saved
-- (off: the admin chooses "Release now" or "Keep held" after each save).
ALTER TABLE "Flow" ADD COLUMN "releaseOnMapping" BOOLEAN NOT NULL DEFAULT false;
