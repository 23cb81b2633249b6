-- AlterTable
ALTER TABLE "StaffPrompt" DROP CONSTRAINT "StaffPrompt_pkey",
ADD CONSTRAINT "StaffPrompt_pkey" PRIMARY KEY ("userId", "chatId", "caseId", "action");
