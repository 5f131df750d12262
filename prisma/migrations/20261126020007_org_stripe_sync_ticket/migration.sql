-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "stripeSyncTicket" BIGINT;
