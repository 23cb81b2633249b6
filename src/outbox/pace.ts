/**
 * Telegram's sending limits, kept as token buckets: about one message a second
 * in a chat (short bursts allowed), about twenty a minute in a group, about
 * thirty a second in all. A 429 still comes back sometimes; the sender then
 * honours its retry_after.
 */
export interface PaceLimits {
  /** per private chat: burst size and messages per second after it */
  chat: { burst: number; perSecond: number };
  /** per group or channel */
  group: { burst: number; perSecond: number };
  /** the whole bot */
  global: { burst: number; perSecond: number };
}

export const TELEGRAM_LIMITS: PaceLimits = {
  chat: { burst: 3, perSecond: 1 },
  group: { burst: 3, perSecond: 20 / 60 },
  global: { burst: 30, perSecond: 30 },
};

class Bucket {
  #tokens: number;
  #at: number;
  readonly #burst: number;
  readonly #rate: number;

  constructor(burst: number, perSecond: number, now: number) {
    this.#tokens = burst;
    this.#burst = burst;
    this.#rate = perSecond / 1000;
    this.#at = now;
  }

  #refill(now: number): void {
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) * this.#rate);
    this.#at = now;
  }

  /** Whole tokens free at `now`. */
  free(now: number): number {
    this.#refill(now);
    return Math.floor(this.#tokens);
  }

  /** Milliseconds until `n` tokens are free, `n` at most the burst (0: now). */
  waitFor(now: number, n = 1): number {
    this.#refill(now);
    const want = Math.min(n, this.#burst);
    return this.#tokens >= want ? 0 : Math.ceil((want - this.#tokens) / this.#rate);
  }

  take(now: number): void {
    this.#refill(now);
    this.#tokens -= 1;
  }

  /** Whether the bucket is full: then it is the same as a new one. */
  full(now: number): boolean {
    this.#refill(now);
    return this.#tokens >= this.#burst;
  }
}

/**
 * The sender asks before it claims: which chats must wait, and how many
 * messages may leave in all; then it takes one message's allowance for each
 * chat it claimed, so nothing is claimed only to be put back.
 */
export class Pace {
  readonly #limits: PaceLimits;
  readonly #chats = new Map<bigint, Bucket>();
  readonly #global: Bucket;
  readonly #now: () => number;

  constructor(limits: PaceLimits = TELEGRAM_LIMITS, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
    this.#global = new Bucket(limits.global.burst, limits.global.perSecond, now());
  }

  /**
   * Chats whose allowance is spent now. Chats whose allowance is whole again
   * are forgotten on the way, so memory follows the chats written to lately.
   */
  waiting(): bigint[] {
    const now = this.#now();
    const out: bigint[] = [];
    for (const [chatId, bucket] of this.#chats) {
      if (bucket.full(now)) this.#chats.delete(chatId);
      else if (bucket.waitFor(now) > 0) out.push(chatId);
    }
    return out;
  }

  /** How many messages may leave now, all chats together. */
  room(): number {
    return this.#global.free(this.#now());
  }

  /**
   * Milliseconds until `n` more messages may leave, all chats together (0: now);
   * `n` beyond the bot's burst means the burst.
   */
  nextRoom(n = 1): number {
    return this.#global.waitFor(this.#now(), n);
  }

  /** Spends one message of the chat's allowance and the bot's (a chat not `waiting`, within `room`). */
  take(chatId: bigint): void {
    const now = this.#now();
    let bucket = this.#chats.get(chatId);
    if (bucket === undefined) {
      // Negative ids are groups, supergroups and channels.
      const l = chatId < 0n ? this.#limits.group : this.#limits.chat;
      bucket = new Bucket(l.burst, l.perSecond, now);
      this.#chats.set(chatId, bucket);
    }
    bucket.take(now);
    this.#global.take(now);
  }

  /** How many chats are remembered (tests: idle ones are forgotten). */
  get size(): number {
    return this.#chats.size;
  }
}
