/**
 * How processing an update tells the inbox to run it again. Neither is a
 * failure: nothing was written, and the inbox does not count an attempt.
 */

/** The update was handled without a transaction and reached for one: run it inside one. */
export class NeedsTransaction extends Error {
  constructor() {
    super("this update needs a transaction");
    this.name = "NeedsTransaction";
  }
}

/** The chat changed between the update's read and its write (another process, a reminder): run it again. */
export class ChatChanged extends Error {
  constructor(chatId: bigint) {
    super(`chat ${chatId} changed while an update was processed`);
    this.name = "ChatChanged";
  }
}
