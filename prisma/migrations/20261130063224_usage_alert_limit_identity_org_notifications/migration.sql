-- DropIndex
DROP INDEX "UsageAlert_organizationId_metric_period_threshold_limitType_key";

-- AlterTable
ALTER TABLE "UsageAlert" ADD COLUMN     "emailsEnqueuedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "OrgNotification" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "link" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrgNotification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OrgNotification_dedupeKey_key" ON "OrgNotification"("dedupeKey");

-- CreateIndex
CREATE INDEX "OrgNotification_organizationId_createdAt_idx" ON "OrgNotification"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "UsageAlert_emailsEnqueuedAt_createdAt_idx" ON "UsageAlert"("emailsEnqueuedAt", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "UsageAlert_organizationId_metric_period_threshold_limitType_key" ON "UsageAlert"("organizationId", "metric", "period", "threshold", "limitType", "limitAtCrossing");

-- AddForeignKey
ALTER TABLE "OrgNotification" ADD CONSTRAINT "OrgNotification_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Alerts recorded before this migration had their emails enqueued in the transaction that inserted them.
UPDATE "UsageAlert" SET "emailsEnqueuedAt" = "createdAt" WHERE "emailsEnqueuedAt" IS NULL;

-- The bell's entries so far, one per logical notification of the kinds it shows (bell.ts).
INSERT INTO "OrgNotification" ("id", "organizationId", "kind", "title", "link", "dedupeKey", "createdAt")
SELECT DISTINCT ON ("dedupeKey") 'onf_' || md5("dedupeKey"), "organizationId", "kind", "subject", '/dashboard/billing', "dedupeKey", "createdAt"
FROM "Notification"
WHERE "organizationId" IS NOT NULL
  AND "kind" IN ('usage-alert', 'trial-started', 'trial-ending', 'payment-failed', 'payment-succeeded', 'subscription-canceled', 'plan-changed')
ORDER BY "dedupeKey", "createdAt" ASC
ON CONFLICT ("dedupeKey") DO NOTHING;
