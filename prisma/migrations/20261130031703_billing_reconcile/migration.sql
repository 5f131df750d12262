-- CreateTable
CREATE TABLE "BillingReconcileRun" (
    "id" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ticket" BIGINT NOT NULL,
    "invoicesSince" TIMESTAMPTZ(3),
    "phase" TEXT NOT NULL,
    "cursor" TEXT,
    "counts" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'running',
    "finishedAt" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "BillingReconcileRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BillingReconcileItem" (
    "runId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "stripeId" TEXT NOT NULL,
    "stripeCustomerId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,

    CONSTRAINT "BillingReconcileItem_pkey" PRIMARY KEY ("runId","kind","stripeId")
);

-- CreateIndex
CREATE INDEX "BillingReconcileRun_status_startedAt_idx" ON "BillingReconcileRun"("status", "startedAt");

-- CreateIndex
CREATE INDEX "BillingReconcileItem_runId_stripeCustomerId_idx" ON "BillingReconcileItem"("runId", "stripeCustomerId");

-- AddForeignKey
ALTER TABLE "BillingReconcileItem" ADD CONSTRAINT "BillingReconcileItem_runId_fkey" FOREIGN KEY ("runId") REFERENCES "BillingReconcileRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
