-- Each process's demand under a connection's concurrency limit (lib/http/limits.ts): the processes
-- split the connection's slots by it. Ephemeral like the limiter's other tables, so unlogged.
CREATE UNLOGGED TABLE "VendorCallShare" (
    "key" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "demand" INTEGER NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "VendorCallShare_pkey" PRIMARY KEY ("key","holder")
);
