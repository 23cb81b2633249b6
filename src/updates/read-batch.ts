import { type HotQuery, viaPrisma } from "../database/hot-query.ts";
import type { Tx } from "../database/open.ts";
import { type ChatKey, type ChatState, readChatStates } from "./chat-state.ts";

interface Waiting {
  key: ChatKey;
  resolve(state: ChatState): void;
  reject(err: unknown): void;
}

/** Reads in one statement at most; a bigger queue goes in several. */
const MAX_BATCH = 100;

/**
 * The chats being processed at once read together, as they write together
 * (src/updates/write-batch.ts): a read is sent at once when no read is in
 * flight, else it waits for the one in flight and goes with every read that
 * queued meanwhile, in one statement. Each read still starts after its
 * update arrived, so it is as fresh as one of its own; a lone update waits
 * for nothing. Under load this halves the statements an update costs.
 */
export class ChatReadBatch {
  readonly #db: Tx;
  readonly #run: HotQuery;
  #queue: Waiting[] = [];
  #flushing = false;

  constructor(db: Tx, run: HotQuery = viaPrisma(db)) {
    this.#db = db;
    this.#run = run;
  }

  read(key: ChatKey): Promise<ChatState> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ key, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      try {
        const states = await readChatStates(
          this.#db,
          batch.map((b) => b.key),
          this.#run,
        );
        batch.forEach((b, i) => {
          const state = states[i];
          if (state === undefined) b.reject(new Error("the chat state query missed a chat"));
          else b.resolve(state);
        });
      } catch (err) {
        // A read fails only with the database: every reader's update is retried.
        for (const b of batch) b.reject(err);
      }
    }
    this.#flushing = false;
  }
}
