-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "lostStripeCustomerAt" TIMESTAMPTZ(3),
ADD COLUMN     "lostStripeCustomerId" TEXT,
ADD COLUMN     "lostStripeCustomerReason" TEXT,
ADD COLUMN     "subscriptionDriftAt" TIMESTAMPTZ(3),
ADD COLUMN     "subscriptionDriftIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "trialRefusedReason" TEXT;

-- AlterTable
ALTER TABLE "BillingEvent" ALTER COLUMN "payload" SET DATA TYPE TEXT;

-- AlterTable
ALTER TABLE "PaymentMethod" ADD COLUMN     "fingerprint" TEXT;

-- CreateTable
CREATE TABLE "TrialClaim" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "stripeSubscriptionId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TrialClaim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobDelivery" (
    "messageId" TEXT NOT NULL,
    "job" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMPTZ(3),
    "result" JSONB,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "JobDelivery_pkey" PRIMARY KEY ("messageId")
);

-- CreateIndex
CREATE INDEX "TrialClaim_organizationId_idx" ON "TrialClaim"("organizationId");

-- CreateIndex
CREATE UNIQUE INDEX "TrialClaim_kind_key_key" ON "TrialClaim"("kind", "key");

-- CreateIndex
CREATE INDEX "JobDelivery_job_createdAt_idx" ON "JobDelivery"("job", "createdAt");

-- AddForeignKey
ALTER TABLE "TrialClaim" ADD CONSTRAINT "TrialClaim_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
