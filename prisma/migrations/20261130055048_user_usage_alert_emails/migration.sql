-- AlterTable
ALTER TABLE "User" ADD COLUMN     "usageAlertEmails" BOOLEAN NOT NULL DEFAULT true;
