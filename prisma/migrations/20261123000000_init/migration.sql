-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'viewer');

-- CreateEnum
CREATE TYPE "Vendor" AS ENUM ('zuora', 'acumatica', 'qad', 'netsuite', 'zoho-crm', 'ifs-cloud');

-- CreateEnum
CREATE TYPE "RecordStatus" AS ENUM ('pending', 'posted', 'held', 'failed', 'skipped');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastFailureAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LoginThrottle_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Connection" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "vendor" "Vendor" NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "credentials" TEXT NOT NULL,
    "lastTestAt" TIMESTAMPTZ(3),
    "lastTestResult" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Flow" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sourceConnectionId" UUID NOT NULL,
    "targetConnectionId" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "schedule" TEXT,
    "backfillFrom" TIMESTAMPTZ(3),
    "settings" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Flow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ValueMap" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "flowId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "sourceLabel" TEXT,
    "targetValue" TEXT NOT NULL,
    "targetLabel" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ValueMap_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncCursor" (
    "flowId" UUID NOT NULL,
    "objectType" TEXT NOT NULL,
    "highWater" TIMESTAMPTZ(3),
    "state" JSONB,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncCursor_pkey" PRIMARY KEY ("flowId","objectType")
);

-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "connectionId" UUID NOT NULL,
    "vendorEventId" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "objectType" TEXT,
    "objectId" TEXT,
    "payload" JSONB,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMPTZ(3),

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRecord" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "flowId" UUID NOT NULL,
    "objectType" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "naturalKey" TEXT,
    "sourceVersion" TEXT,
    "status" "RecordStatus" NOT NULL DEFAULT 'pending',
    "statusReason" TEXT,
    "missing" JSONB,
    "amount" DECIMAL(18,4),
    "currency" TEXT,
    "documentDate" DATE,
    "sourcePayload" JSONB,
    "mappedPayload" JSONB,
    "targetId" TEXT,
    "targetRef" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "postedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SyncRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecordEvent" (
    "id" BIGSERIAL NOT NULL,
    "recordId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "actorUserId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecordEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "workerId" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "beatAt" TIMESTAMPTZ(3) NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("workerId")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Connection_name_key" ON "Connection"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Flow_name_key" ON "Flow"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ValueMap_flowId_kind_sourceKey_key" ON "ValueMap"("flowId", "kind", "sourceKey");

-- CreateIndex
CREATE INDEX "InboundEvent_receivedAt_idx" ON "InboundEvent"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "InboundEvent_connectionId_vendorEventId_key" ON "InboundEvent"("connectionId", "vendorEventId");

-- CreateIndex
CREATE INDEX "SyncRecord_createdAt_id_idx" ON "SyncRecord"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "SyncRecord_flowId_createdAt_id_idx" ON "SyncRecord"("flowId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "SyncRecord_status_createdAt_id_idx" ON "SyncRecord"("status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "SyncRecord_flowId_status_createdAt_id_idx" ON "SyncRecord"("flowId", "status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "SyncRecord_naturalKey_idx" ON "SyncRecord"("naturalKey");

-- CreateIndex
CREATE UNIQUE INDEX "SyncRecord_flowId_objectType_sourceId_key" ON "SyncRecord"("flowId", "objectType", "sourceId");

-- CreateIndex
CREATE INDEX "RecordEvent_recordId_id_idx" ON "RecordEvent"("recordId", "id");

-- AddForeignKey
ALTER TABLE "Flow" ADD CONSTRAINT "Flow_sourceConnectionId_fkey" FOREIGN KEY ("sourceConnectionId") REFERENCES "Connection"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Flow" ADD CONSTRAINT "Flow_targetConnectionId_fkey" FOREIGN KEY ("targetConnectionId") REFERENCES "Connection"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ValueMap" ADD CONSTRAINT "ValueMap_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncCursor" ADD CONSTRAINT "SyncCursor_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboundEvent" ADD CONSTRAINT "InboundEvent_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRecord" ADD CONSTRAINT "SyncRecord_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecordEvent" ADD CONSTRAINT "RecordEvent_recordId_fkey" FOREIGN KEY ("recordId") REFERENCES "SyncRecord"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecordEvent" ADD CONSTRAINT "RecordEvent_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
