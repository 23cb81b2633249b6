import type { Outgoing } from "../outbox/write.ts";

/** The conversation's latest message with buttons, in its chat: the question being asked. */
export const QUESTION_REF = "question";

/** The chat's last question, as it stands once it no longer applies: without its keyboard. */
export function settleQuestion(chatId: bigint): Outgoing {
  return { kind: "unbutton", chatId, target: { ref: QUESTION_REF } };
}

/** The request's message about its files ("file 2 of 5"), edited as more arrive. */
export const EVIDENCE_REF = "evidence";

/** The files' message once the evidence question is behind: its Done would answer nothing. */
export function settleEvidence(chatId: bigint): Outgoing {
  return { kind: "unbutton", chatId, target: { ref: EVIDENCE_REF } };
}
