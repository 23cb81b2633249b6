import { type HotQuery, viaPrisma } from "../database/hot-query.ts";
import type { Tx } from "../database/open.ts";
import { type ChatKey, type ChatState, readChatState, readChatStates } from "./chat-state.ts";
import { Grouped } from "./grouped.ts";

/**
 * The chats being processed at once read together, as they write together
 * (src/updates/grouped.ts): the reads that queue behind the one in flight
 * (on PGlite, that are asked for in the same turn) go in one statement. Reads of one chat may share it: a read changes nothing.
 */
export class ChatReadBatch {
  readonly #grouped: Grouped<ChatKey, ChatState>;

  /** `inThread`: the database runs on this thread (src/updates/grouped.ts) */
  constructor(db: Tx, run: HotQuery = viaPrisma(db), inThread = false) {
    this.#grouped = new Grouped({
      all: (keys) => readChatStates(db, keys, run),
      one: (key) => readChatState(db, key, run),
      inThread,
    });
  }

  read(key: ChatKey): Promise<ChatState> {
    return this.#grouped.send(key);
  }
}
