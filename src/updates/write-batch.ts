import { type HotQuery, viaPrisma } from "../database/hot-query.ts";
import type { Tx } from "../database/open.ts";
import { type ChatWrite, writeChatState, writeChatStates } from "./chat-state.ts";

interface Waiting {
  write: ChatWrite;
  resolve(applied: boolean): void;
  reject(err: unknown): void;
}

/** Writes in one statement at most; a bigger queue goes in several. */
const MAX_BATCH = 100;

/**
 * Group commit for the chats being processed at once: a write is sent at
 * once when no statement is in flight, else it waits for the one in flight
 * and goes with every write that queued meanwhile — one statement and one
 * commit for all of them, each still conditional on its own chat's gate.
 * Under load this is what keeps the database from spending its time on
 * commits; a lone update waits for nothing.
 */
export class ChatWriteBatch {
  readonly #db: Tx;
  readonly #run: HotQuery;
  #queue: Waiting[] = [];
  #flushing = false;

  constructor(db: Tx, run: HotQuery = viaPrisma(db)) {
    this.#db = db;
    this.#run = run;
  }

  /** Writes one update's effects; resolves to false when its chat (or case) changed since it was read. */
  write(write: ChatWrite): Promise<boolean> {
    // A case's move goes alone and at once: its statement may wait for the case's
    // row, which no batch of other chats' writes should wait behind.
    if (write.caseMove !== undefined) return writeChatState(this.#db, write, this.#run);
    return new Promise((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      const batch = this.#take();
      try {
        const applied = await writeChatStates(
          this.#db,
          batch.map((b) => b.write),
          this.#run,
        );
        for (const b of batch) b.resolve(applied.has(b.write.lane));
      } catch (err) {
        const [only] = batch;
        if (batch.length === 1 && only !== undefined) only.reject(err);
        // One bad write must not fail the others: each is tried alone.
        else
          await Promise.all(
            batch.map((b) =>
              writeChatState(this.#db, b.write, this.#run).then(b.resolve, b.reject),
            ),
          );
      }
    }
    this.#flushing = false;
  }

  /** The next batch: queued writes in order, at most one per lane and per user row. */
  #take(): Waiting[] {
    const lanes = new Set<bigint>();
    const users = new Set<bigint>();
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    for (const w of this.#queue) {
      const user = w.write.user?.id;
      const fits =
        batch.length < MAX_BATCH &&
        !lanes.has(w.write.lane) &&
        (user === undefined || !users.has(user));
      if (!fits) {
        rest.push(w);
        continue;
      }
      batch.push(w);
      lanes.add(w.write.lane);
      if (user !== undefined) users.add(user);
    }
    this.#queue = rest;
    return batch;
  }
}
