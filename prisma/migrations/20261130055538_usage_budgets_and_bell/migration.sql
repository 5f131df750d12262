-- DropIndex
DROP INDEX "UsageAlert_organizationId_metric_period_threshold_key";

-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "notificationsReadAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "UsageAlert" ADD COLUMN     "limitType" TEXT NOT NULL DEFAULT 'plan';

-- CreateTable
CREATE TABLE "UsageBudget" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "limit" BIGINT NOT NULL,
    "setBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "UsageBudget_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UsageBudget_organizationId_metric_key" ON "UsageBudget"("organizationId", "metric");

-- CreateIndex
CREATE UNIQUE INDEX "UsageAlert_organizationId_metric_period_threshold_limitType_key" ON "UsageAlert"("organizationId", "metric", "period", "threshold", "limitType");

-- AddForeignKey
ALTER TABLE "UsageBudget" ADD CONSTRAINT "UsageBudget_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
