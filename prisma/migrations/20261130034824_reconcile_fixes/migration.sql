-- AlterTable
ALTER TABLE "BillingReconcileRun" ADD COLUMN     "failedOrgIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "invoicesListedAt" TIMESTAMPTZ(3);
