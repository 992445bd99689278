-- The configuration change log: who changed which mapping, connection, flow or user, when, and
-- each field old -> new (secrets only as "changed"). Append-only, written in the transaction of the
-- change itself (lib/audit/record-config-change.ts); browsed and exported on /settings/changes.
CREATE TABLE "ConfigChange" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorUserId" UUID,
    "actorEmail" TEXT,
    "entity" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "entityLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "flowId" UUID,
    "changes" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "ConfigChange_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ConfigChange_at_id_idx" ON "ConfigChange"("at" DESC, "id" DESC);
CREATE INDEX "ConfigChange_entity_at_idx" ON "ConfigChange"("entity", "at" DESC);
