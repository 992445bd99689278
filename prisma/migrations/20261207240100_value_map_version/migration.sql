-- A version per flow of its value maps, moved by triggers whenever a statement adds, changes or
-- deletes any (whoever writes them: the engine's settle, the mapping screens, imports, raw SQL).
-- Workers cache a flow's maps and reload them when the version they read with a record's claim
-- moves (lib/sync/claim-record.ts), instead of hashing every map of the flow at every claim.
-- Writers serialise on the flow's version row, so versions follow commit order: a reader that sees
-- version n sees every map written by the statements that made it n.
-- No foreign key: a flow's deletion cascades to its maps, whose delete trigger must not insert a
-- row for a flow that is gone (it skips those; a deleted flow's row stays, a few bytes).
CREATE TABLE "ValueMapVersion" (
    "flowId" UUID NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ValueMapVersion_pkey" PRIMARY KEY ("flowId")
);

CREATE FUNCTION mlc_bump_value_map_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    INSERT INTO "ValueMapVersion" ("flowId", version) SELECT f.id, 1 FROM "Flow" f ORDER BY 1
    ON CONFLICT ("flowId") DO UPDATE SET version = "ValueMapVersion".version + 1;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO "ValueMapVersion" ("flowId", version) SELECT DISTINCT c."flowId", 1 FROM changed c ORDER BY 1
    ON CONFLICT ("flowId") DO UPDATE SET version = "ValueMapVersion".version + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "ValueMapVersion" ("flowId", version)
    SELECT DISTINCT x."flowId", 1 FROM (SELECT "flowId" FROM changed UNION SELECT "flowId" FROM changed_before) x ORDER BY 1
    ON CONFLICT ("flowId") DO UPDATE SET version = "ValueMapVersion".version + 1;
  ELSE
    INSERT INTO "ValueMapVersion" ("flowId", version)
    SELECT DISTINCT c."flowId", 1 FROM changed c WHERE EXISTS (SELECT 1 FROM "Flow" f WHERE f.id = c."flowId") ORDER BY 1
    ON CONFLICT ("flowId") DO UPDATE SET version = "ValueMapVersion".version + 1;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "ValueMap_version_insert" AFTER INSERT ON "ValueMap"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mlc_bump_value_map_versions();
CREATE TRIGGER "ValueMap_version_update" AFTER UPDATE ON "ValueMap"
  REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mlc_bump_value_map_versions();
CREATE TRIGGER "ValueMap_version_delete" AFTER DELETE ON "ValueMap"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mlc_bump_value_map_versions();
CREATE TRIGGER "ValueMap_version_truncate" AFTER TRUNCATE ON "ValueMap"
  FOR EACH STATEMENT EXECUTE FUNCTION mlc_bump_value_map_versions();
