-- CreateIndex
CREATE INDEX "OutboxMessage_pending_head_idx" ON "OutboxMessage"("chatId", "id") WHERE (status = 'pending' AND method <> 'answerCallbackQuery');

-- CreateIndex
CREATE INDEX "OutboxMessage_pending_answer_idx" ON "OutboxMessage"("id") WHERE (status = 'pending' AND method = 'answerCallbackQuery');
