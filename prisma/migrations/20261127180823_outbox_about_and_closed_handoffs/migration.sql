-- AlterEnum
ALTER TYPE "HandoffStatus" ADD VALUE 'closed';

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "aboutUserId" BIGINT;

-- CreateIndex
CREATE INDEX "OutboxMessage_about_idx" ON "OutboxMessage"("aboutUserId", "chatId", "id") WHERE ("aboutUserId" IS NOT NULL);
