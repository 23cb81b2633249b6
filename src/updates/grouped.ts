import { unanswered } from "../database/open.ts";

/** Items in one statement at most; a bigger queue goes in several. */
const MAX_GROUP = 100;

interface Waiting<I, O> {
  item: I;
  resolve(out: O): void;
  reject(err: unknown): void;
}

export interface GroupedOptions<I, O> {
  /** sends several items in one statement; resolves to their results in their order */
  all(items: I[]): Promise<O[]>;
  /** sends one item alone */
  one(item: I): Promise<O>;
  /**
   * What an item must not share with another item of its group (each key at
   * most once a group): the ones that would share it wait for the next group.
   */
  exclusive?(item: I): readonly string[];
  /**
   * The database runs on this thread (PGlite): while it runs a statement no
   * other work can queue an item behind it, so every item would go alone.
   * A group then waits one turn of the event loop, which lets the lanes that
   * are ready in it queue theirs (no timer: at most that turn).
   */
  inThread?: boolean;
}

/**
 * The chats being processed at once go to the database together (their reads,
 * src/updates/read-batch.ts; their writes, src/updates/write-batch.ts): an
 * item is sent at once when no statement is in flight (with `inThread`, after
 * one turn of the event loop), else it waits for the one in flight and goes
 * with every item that queued meanwhile, in one statement. Each item still
 * starts after it was asked for, so its result is as fresh as one of its own,
 * and a lone item waits for nothing (or that one turn). When a
 * statement of several fails, each of its items is tried alone: one bad item,
 * or a connection lost mid-way, fails only itself. A database that did not
 * answer in time fails the whole group at once: trying each alone would make
 * each wait as long again, and the queue behind them.
 */
export class Grouped<I, O> {
  readonly #o: GroupedOptions<I, O>;
  #queue: Waiting<I, O>[] = [];
  #flushing = false;

  constructor(options: GroupedOptions<I, O>) {
    this.#o = options;
  }

  send(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    if (this.#o.inThread === true) await new Promise<void>((turn) => setImmediate(turn));
    while (this.#queue.length > 0) {
      const group = this.#take();
      const [only] = group;
      if (group.length === 1 && only !== undefined) {
        await this.#o.one(only.item).then(only.resolve, only.reject);
        continue;
      }
      try {
        const out = await this.#o.all(group.map((w) => w.item));
        if (out.length !== group.length)
          throw new Error(`a grouped statement gave ${out.length} results for ${group.length}`);
        for (const [i, w] of group.entries()) w.resolve(out[i] as O);
      } catch (err) {
        if (unanswered(err)) for (const w of group) w.reject(err);
        else await Promise.all(group.map((w) => this.#o.one(w.item).then(w.resolve, w.reject)));
      }
    }
    this.#flushing = false;
  }

  /** The next group: queued items in order, up to MAX_GROUP, none sharing an exclusive key. */
  #take(): Waiting<I, O>[] {
    const exclusive = this.#o.exclusive;
    if (exclusive === undefined) return this.#queue.splice(0, MAX_GROUP);
    const keys = new Set<string>();
    const group: Waiting<I, O>[] = [];
    const rest: Waiting<I, O>[] = [];
    for (const w of this.#queue) {
      const own = exclusive(w.item);
      if (group.length >= MAX_GROUP || own.some((k) => keys.has(k))) {
        rest.push(w);
        continue;
      }
      group.push(w);
      for (const k of own) keys.add(k);
    }
    this.#queue = rest;
    return group;
  }
}
