-- CreateTable
CREATE TABLE "VendorToken" (
    "key" TEXT NOT NULL,
    "accessToken" TEXT,
    "accessTokenHash" TEXT,
    "refreshToken" TEXT,
    "expiresAt" TIMESTAMPTZ(3),
    "credentialsHash" TEXT,
    "fetchCount" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VendorToken_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "VendorRateLimit" (
    "key" TEXT NOT NULL,
    "tat" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "VendorRateLimit_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "VendorCallSlot" (
    "key" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "holder" TEXT,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "VendorCallSlot_pkey" PRIMARY KEY ("key","slot")
);
