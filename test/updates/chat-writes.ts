import type { ChatWrite } from "../../src/updates/chat-state.ts";

/** When the helpers' writes happen. */
export const WRITTEN_AT = new Date("2026-11-29T10:00:00.000Z");

/**
 * One update's write in lane `lane`: a private chat unless `chatId` says a
 * group, with its user's row (`user`, the lane's by default), a conversation
 * of its own when `conversation`, and `messages` replies (one by default),
 * each saying `u<updateId>`.
 */
export function chatWrite(
  lane: bigint,
  updateId: bigint,
  o: {
    user?: bigint;
    chatId?: bigint;
    readVersion?: number;
    language?: string;
    conversation?: boolean;
    messages?: number;
  } = {},
): ChatWrite {
  const user = o.user ?? lane;
  const chatId = o.chatId ?? lane;
  return {
    lane,
    chatId,
    userId: user,
    updateId,
    readVersion: o.readVersion ?? 0,
    now: WRITTEN_AT,
    user: {
      id: user,
      language: o.language ?? "es",
      firstName: `n${user}`,
      username: null,
      blockedAt: null,
      admin: false,
    },
    ...(o.conversation === true
      ? {
          conversation: {
            kind: "save" as const,
            userId: user,
            machineId: "refund",
            machineVersion: 3,
            snapshot: { value: "asking", context: { chat: String(chatId) } },
          },
        }
      : {}),
    out: Array.from({ length: o.messages ?? 1 }, () => ({
      kind: "message" as const,
      chatId,
      text: `u${updateId}`,
    })),
  };
}
