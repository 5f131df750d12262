-- CreateTable
CREATE TABLE "UsageFallback" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "quantity" BIGINT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "replayedAt" TIMESTAMPTZ(3),

    CONSTRAINT "UsageFallback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageFlushRun" (
    "id" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),
    "counters" INTEGER NOT NULL DEFAULT 0,
    "rowsWritten" INTEGER NOT NULL DEFAULT 0,
    "roundTrips" INTEGER NOT NULL DEFAULT 0,
    "replayed" INTEGER NOT NULL DEFAULT 0,
    "durationMs" INTEGER,
    "error" TEXT,

    CONSTRAINT "UsageFlushRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UsageFallback_replayedAt_createdAt_idx" ON "UsageFallback"("replayedAt", "createdAt");

-- CreateIndex
CREATE INDEX "UsageFlushRun_startedAt_idx" ON "UsageFlushRun"("startedAt");
