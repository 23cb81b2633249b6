/**
 * Telegram numbers a bot's updates one after another, so that a webhook can
 * put them back in order when they arrive out of it. An update whose number
 * leaves a gap after the ones seen may have an earlier one still on its way
 * (from the same chat, for all this process knows): it waits until the gap
 * closes, at most `maxWaitMs`. In order, nothing waits. A gap that was waited
 * out is given up: what fills it later comes late and waits for nothing.
 */
export class UpdateSequence {
  readonly #maxWaitMs: number;
  /** every update_id up to here has been seen or given up; undefined until the first is known */
  #frontier: bigint | undefined;
  /** update_ids seen above the frontier */
  readonly #ahead = new Set<bigint>();
  readonly #waiting = new Set<{ id: bigint; resolve(): void }>();

  constructor(maxWaitMs: number) {
    this.#maxWaitMs = maxWaitMs;
  }

  /** Starts from the last update_id a previous run recorded: the next one waits for no gap. */
  resumeAfter(lastKnown: bigint): void {
    if (this.#frontier === undefined || this.#frontier < lastKnown) this.#frontier = lastKnown;
    this.#advance();
  }

  /** Records an update_id that takes no turn (an ignored update): the ones after it wait for it no longer. */
  seen(id: bigint): void {
    if (this.#frontier !== undefined && id <= this.#frontier) return;
    this.#ahead.add(id);
    this.#advance();
  }

  /** Records an update_id; resolves when the updates before it have arrived or were waited for. */
  arrive(id: bigint): Promise<void> {
    if (this.#frontier !== undefined && id <= this.#frontier) return Promise.resolve();
    this.seen(id);
    if (this.#ready(id) || this.#maxWaitMs <= 0) {
      if (this.#maxWaitMs <= 0) this.#giveUpTo(id);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const waiter = { id, resolve };
      this.#waiting.add(waiter);
      const timer = setTimeout(() => {
        this.#giveUpTo(id);
      }, this.#maxWaitMs);
      timer.unref();
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #ready(id: bigint): boolean {
    return this.#frontier !== undefined && id <= this.#frontier + 1n;
  }

  /** Moves the frontier over every update_id seen right after it. */
  #advance(): void {
    if (this.#frontier === undefined) return;
    while (this.#ahead.delete(this.#frontier + 1n)) this.#frontier += 1n;
    for (const w of this.#waiting) {
      if (!this.#ready(w.id)) continue;
      this.#waiting.delete(w);
      w.resolve();
    }
  }

  /** The gap before `id` was waited out: nothing below it is waited for any more. */
  #giveUpTo(id: bigint): void {
    if (this.#frontier === undefined || this.#frontier < id - 1n) this.#frontier = id - 1n;
    for (const seen of this.#ahead) if (seen <= this.#frontier) this.#ahead.delete(seen);
    this.#advance();
  }
}
