-- CreateEnum
CREATE TYPE "AttachmentKind" AS ENUM ('photo', 'document');

-- CreateTable
CREATE TABLE "Attachment" (
    "id" BIGSERIAL NOT NULL,
    "customerId" BIGINT NOT NULL,
    "chatId" BIGINT NOT NULL,
    "caseId" INTEGER,
    "kind" "AttachmentKind" NOT NULL,
    "fileId" TEXT NOT NULL,
    "fileUniqueId" TEXT NOT NULL,
    "mimeType" TEXT,
    "size" INTEGER,
    "messageId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Attachment_chatId_caseId_idx" ON "Attachment"("chatId", "caseId");

-- CreateIndex
CREATE INDEX "Attachment_caseId_idx" ON "Attachment"("caseId");

-- CreateIndex
CREATE INDEX "Attachment_customerId_idx" ON "Attachment"("customerId");

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "RefundCase"("id") ON DELETE SET NULL ON UPDATE CASCADE;
