-- AlterTable
ALTER TABLE "BillingEvent" ADD COLUMN     "claimId" TEXT;

-- CreateTable
CREATE TABLE "JobLease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "JobLease_pkey" PRIMARY KEY ("name")
);

-- Backfill: the old code gave an event up after 8 attempts (FAILED, nextAttemptAt NULL), about an
-- hour after it arrived. Retries now go on for three days, so those events are due again now.
UPDATE "BillingEvent" SET "nextAttemptAt" = now() WHERE "status" = 'FAILED' AND "nextAttemptAt" IS NULL;
