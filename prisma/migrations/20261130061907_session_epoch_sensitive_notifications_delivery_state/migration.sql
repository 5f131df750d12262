-- AlterTable
ALTER TABLE "User" ADD COLUMN     "sessionEpoch" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "sensitive" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "userInitiated" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "EmailSuppression" ADD COLUMN     "suppressed" BOOLEAN NOT NULL DEFAULT true;
