-- AlterEnum
ALTER TYPE "BillingEventStatus" ADD VALUE 'PROCESSING';

-- AlterTable
ALTER TABLE "BillingEvent" ADD COLUMN     "lockedUntil" TIMESTAMPTZ(3);
