-- CreateEnum
CREATE TYPE "HandoffStatus" AS ENUM ('awaiting', 'open', 'answered');

-- AlterTable
ALTER TABLE "RefundCase" ADD COLUMN     "overdueAt" TIMESTAMP(3),
ADD COLUMN     "remindedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "StaffPrompt" (
    "userId" BIGINT NOT NULL,
    "chatId" BIGINT NOT NULL,
    "action" TEXT NOT NULL,
    "caseId" INTEGER NOT NULL,
    "note" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaffPrompt_pkey" PRIMARY KEY ("userId","chatId")
);

-- CreateTable
CREATE TABLE "Handoff" (
    "id" SERIAL NOT NULL,
    "customerId" BIGINT NOT NULL,
    "chatId" BIGINT NOT NULL,
    "status" "HandoffStatus" NOT NULL DEFAULT 'awaiting',
    "question" TEXT,
    "origin" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "answeredById" BIGINT,

    CONSTRAINT "Handoff_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Handoff_customerId_status_idx" ON "Handoff"("customerId", "status");

-- AddForeignKey
ALTER TABLE "Handoff" ADD CONSTRAINT "Handoff_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
