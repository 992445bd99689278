-- One engine for every vendor (issue 10).

-- Connections are keyed by a plain vendor id string (the connector registry decides which exist;
-- tests and plugins add connectors of their own). The stored values are unchanged ("zoho-crm", ...).
ALTER TABLE "Connection" ALTER COLUMN "vendor" TYPE text USING "vendor"::text;
DROP TYPE "Vendor";

-- Vendor subscriptions that expire (e.g. Zoho notification channels), renewed by a scheduled job per
-- connection; shown on the connection's page.
ALTER TABLE "Connection"
  ADD COLUMN "subscriptionState" jsonb,
  ADD COLUMN "subscriptionExpiresAt" timestamptz(3),
  ADD COLUMN "subscriptionRenewedAt" timestamptz(3),
  ADD COLUMN "subscriptionError" text;

-- What a token response carries beside the token (e.g. Zoho's api_domain), shared like the token.
ALTER TABLE "VendorToken" ADD COLUMN "extras" jsonb;

-- Paired flows read the partner's records by the document they created on the other side.
CREATE INDEX "SyncRecord_flowId_objectType_targetId_idx" ON "SyncRecord"("flowId", "objectType", "targetId");

-- Retention and the per-connection budget of stored inbound events read them per connection by age.
CREATE INDEX "InboundEvent_connectionId_receivedAt_idx" ON "InboundEvent"("connectionId", "receivedAt");
