/**
 * How processing an update tells the inbox to run it again. It is not a
 * failure: nothing was written, and the inbox does not count an attempt.
 */

/**
 * The chat changed between the update's read and its write (another process, a
 * reminder), or the case it moves did (another staff member): run it again.
 */
export class ChatChanged extends Error {
  constructor(chatId: bigint) {
    super(`chat ${chatId} changed while an update was processed`);
    this.name = "ChatChanged";
  }
}
