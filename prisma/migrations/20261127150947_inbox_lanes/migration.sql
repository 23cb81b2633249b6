-- A rename, not the drop and add a schema diff proposes: updates stored and
-- not yet processed keep their place. Until now every stored update's lane was
-- its chat, which is still right for private chats; a group's stored updates
-- are few and are taken in their chat's lane until processed.
ALTER INDEX "InboundUpdate_chatId_processedAt_updateId_idx" RENAME TO "InboundUpdate_lane_processedAt_updateId_idx";

-- AlterTable
ALTER TABLE "InboundUpdate" RENAME COLUMN "chatId" TO "lane";
