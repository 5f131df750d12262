-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "stripeClockAt" TIMESTAMPTZ(3);
