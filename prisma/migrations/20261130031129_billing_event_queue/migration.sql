-- AlterTable
ALTER TABLE "BillingEvent" ADD COLUMN     "nextAttemptAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "BillingEvent_stripeCustomerId_status_idx" ON "BillingEvent"("stripeCustomerId", "status");
