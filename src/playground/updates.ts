/**
 * Telegram's update queue for one bot, with getUpdates' semantics: updates
 * stay until confirmed by a later `offset`; `timeout` holds the request open
 * until an update arrives (real long polling, no spinning); `limit` caps a
 * batch; a negative offset keeps only the last updates. A second getUpdates
 * while one waits ends the first with 409, as Telegram does.
 */

export type Update = { update_id: number } & Record<string, unknown>;

export class Conflict extends Error {}

interface Waiter {
  wake: () => void;
  conflict: () => void;
}

export interface TakeOptions {
  offset?: number | undefined;
  limit?: number | undefined;
  /** seconds */
  timeout?: number | undefined;
  /** the client went away: stop waiting */
  signal?: AbortSignal | undefined;
}

export class UpdateQueue {
  #nextId: number;
  #pending: Update[] = [];
  #waiter: Waiter | undefined;
  /** told when the bot asks for updates (the playground knows then that the bot runs) */
  onPoll: (() => void) | undefined;
  /** told when an update is queued (webhook delivery) */
  onPush: (() => void) | undefined;

  constructor(firstId = 1) {
    this.#nextId = firstId;
  }

  /** Queues an update; its id is the next one. */
  push(body: Record<string, unknown>): Update {
    const update: Update = { update_id: this.#nextId++, ...body };
    this.#pending.push(update);
    this.#waiter?.wake();
    this.onPush?.();
    return update;
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  /** The oldest unconfirmed update (webhook delivery). */
  peek(): Update | undefined {
    return this.#pending[0];
  }

  /** Confirms every update with an id below `offset`. */
  confirm(offset: number): void {
    if (offset < 0) {
      this.#pending = this.#pending.slice(offset);
      return;
    }
    this.#pending = this.#pending.filter((u) => u.update_id >= offset);
  }

  /** Forgets every pending update (drop_pending_updates, a reset). */
  drop(): void {
    this.#pending = [];
  }

  async take(o: TakeOptions = {}): Promise<Update[]> {
    this.onPoll?.();
    if (o.offset !== undefined && o.offset !== 0) this.confirm(o.offset);
    const limit = Math.min(100, Math.max(1, o.limit ?? 100));
    const batch = () => this.#pending.slice(0, limit);
    const timeoutMs = Math.max(0, o.timeout ?? 0) * 1000;
    if (this.#pending.length > 0 || timeoutMs === 0 || o.signal?.aborted === true) return batch();

    this.#waiter?.conflict();
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        o.signal?.removeEventListener("abort", done);
        if (this.#waiter === waiter) this.#waiter = undefined;
      };
      const waiter: Waiter = {
        wake: () => {
          done();
          resolve();
        },
        conflict: () => {
          done();
          reject(new Conflict());
        },
      };
      const timer = setTimeout(waiter.wake, timeoutMs);
      o.signal?.addEventListener("abort", waiter.wake);
      this.#waiter = waiter;
    });
    return batch();
  }

  /** Ends a waiting getUpdates at once (shutdown). */
  release(): void {
    this.#waiter?.wake();
  }
}
