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

  /** Milliseconds until a token is free (0: take it now). */
  take(now: number): number {
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) * this.#rate);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.#tokens) / this.#rate);
  }

  /** Whether the bucket would be full again by `now`: then it is the same as a new one. */
  fullBy(now: number): boolean {
    return this.#tokens + (now - this.#at) * this.#rate >= this.#burst;
  }
}

/** Every this many messages, chats whose allowance is whole again are forgotten. */
const FORGET_EVERY = 1_000;

export class Pace {
  readonly #limits: PaceLimits;
  readonly #chats = new Map<bigint, Bucket>();
  readonly #global: Bucket;
  readonly #now: () => number;
  #taken = 0;

  constructor(limits: PaceLimits = TELEGRAM_LIMITS, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
    this.#global = new Bucket(limits.global.burst, limits.global.perSecond, now());
  }

  /** Milliseconds to wait before the next message to this chat may leave. */
  delayFor(chatId: bigint): number {
    const now = this.#now();
    if (++this.#taken % FORGET_EVERY === 0) this.#forgetIdle(now);
    let bucket = this.#chats.get(chatId);
    if (bucket === undefined) {
      // Negative ids are groups, supergroups and channels.
      const l = chatId < 0n ? this.#limits.group : this.#limits.chat;
      bucket = new Bucket(l.burst, l.perSecond, now);
      this.#chats.set(chatId, bucket);
    }
    const chatWait = bucket.take(now);
    if (chatWait > 0) return chatWait;
    return this.#global.take(now);
  }

  /** How many chats are remembered (tests: idle ones are forgotten). */
  get size(): number {
    return this.#chats.size;
  }

  #forgetIdle(now: number): void {
    for (const [chatId, bucket] of this.#chats) if (bucket.fullBy(now)) this.#chats.delete(chatId);
  }
}
