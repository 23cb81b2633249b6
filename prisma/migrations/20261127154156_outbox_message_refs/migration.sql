-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "messageId" BIGINT,
ADD COLUMN     "ref" TEXT;

-- CreateIndex
CREATE INDEX "OutboxMessage_ref_idx" ON "OutboxMessage"("ref", "chatId", "id") WHERE (ref IS NOT NULL);
