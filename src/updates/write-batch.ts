import { type HotQuery, viaPrisma } from "../database/hot-query.ts";
import type { Tx } from "../database/open.ts";
import { type ChatWrite, writeChatState, writeChatStates } from "./chat-state.ts";
import { Grouped } from "./grouped.ts";

/**
 * Group commit for the chats being processed at once (src/updates/grouped.ts):
 * the writes that queue behind the statement in flight (on PGlite, that are
 * asked for in the same turn) go in one statement and one commit, each still conditional on its own chat's gate. Under load this is
 * what keeps the database from spending its time on commits. A group holds at
 * most one write per lane and per user row, which one statement can apply.
 */
export class ChatWriteBatch {
  readonly #db: Tx;
  readonly #run: HotQuery;
  readonly #grouped: Grouped<ChatWrite, boolean>;

  /** `inThread`: the database runs on this thread (src/updates/grouped.ts) */
  constructor(db: Tx, run: HotQuery = viaPrisma(db), inThread = false) {
    this.#db = db;
    this.#run = run;
    this.#grouped = new Grouped({
      all: async (writes) => {
        const applied = await writeChatStates(db, writes, run);
        return writes.map((w) => applied.has(w.lane));
      },
      one: (write) => writeChatState(db, write, run),
      exclusive: (w) => [`lane ${w.lane}`, ...(w.user === undefined ? [] : [`user ${w.user.id}`])],
      inThread,
    });
  }

  /** Writes one update's effects; resolves to false when its chat (or case) changed since it was read. */
  write(write: ChatWrite): Promise<boolean> {
    // A case's move goes alone and at once: its statement may wait for the case's
    // row, which no group of other chats' writes should wait behind.
    if (write.caseMove !== undefined) return writeChatState(this.#db, write, this.#run);
    return this.#grouped.send(write);
  }
}
