/**
 * Flood control: a customer who sends more than `maxUpdates` updates within
 * `windowMs` has the rest ignored until the window has room again, and is told
 * once per flood. Kept in memory per process (a flood is a burst: it needs no
 * history), and keyed by update id, so an update that is run again (a stale
 * read, a transaction) gets the verdict it got the first time.
 */
export type FloodVerdict =
  /** within the limit: handle it */
  | "ok"
  /** the first one past the limit: ignore it and tell the customer to slow down */
  | "warn"
  /** past the limit, already told: ignore it */
  | "ignore";

export interface FloodLimits {
  maxUpdates: number;
  windowMs: number;
}

interface Sender {
  /** when each admitted update came, oldest first */
  admitted: { updateId: bigint; at: number }[];
  /** verdicts of the updates refused within the last window */
  refused: Map<bigint, { verdict: FloodVerdict; at: number }>;
  /** when the last update was refused: a flood goes on while they keep coming within a window */
  lastRefusedAt: number | undefined;
}

/** Every this many checks, senders with nothing left in their window are forgotten. */
const PRUNE_EVERY = 1_000;

export class FloodGate {
  readonly #limits: FloodLimits;
  readonly #now: () => number;
  readonly #senders = new Map<bigint, Sender>();
  #checks = 0;

  constructor(limits: FloodLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  check(userId: bigint, updateId: bigint): FloodVerdict {
    const now = this.#now();
    if (++this.#checks % PRUNE_EVERY === 0) this.#prune(now);
    let s = this.#senders.get(userId);
    if (s === undefined) {
      s = { admitted: [], refused: new Map(), lastRefusedAt: undefined };
      this.#senders.set(userId, s);
    }
    const before = s.refused.get(updateId);
    if (before !== undefined) return before.verdict;
    if (s.admitted.some((a) => a.updateId === updateId)) return "ok";
    this.#expire(s, now);
    if (s.admitted.length < this.#limits.maxUpdates) {
      s.admitted.push({ updateId, at: now });
      return "ok";
    }
    // Told once per flood: again only after a whole window without refusals.
    const told = s.lastRefusedAt !== undefined && now - s.lastRefusedAt <= this.#limits.windowMs;
    const verdict: FloodVerdict = told ? "ignore" : "warn";
    s.refused.set(updateId, { verdict, at: now });
    s.lastRefusedAt = now;
    return verdict;
  }

  /**
   * Whether a customer is in a flood they were already told of, so that their
   * update can be recorded as ignored at the door, without reading or writing
   * their chat (it counts as one more refusal). Only customers are ever
   * refused (staff are not checked), so this never holds for staff.
   */
  stillFlooding(userId: bigint): boolean {
    const s = this.#senders.get(userId);
    const now = this.#now();
    if (s === undefined || s.lastRefusedAt === undefined) return false;
    if (now - s.lastRefusedAt > this.#limits.windowMs) return false;
    this.#expire(s, now);
    if (s.admitted.length < this.#limits.maxUpdates) return false;
    s.lastRefusedAt = now;
    return true;
  }

  /** Whether the sender has used more than half of the window's room (worth checking their backlog). */
  busy(userId: bigint): boolean {
    return (this.#senders.get(userId)?.admitted.length ?? 0) * 2 > this.#limits.maxUpdates;
  }

  /** How many senders are remembered (tests: idle ones are forgotten). */
  get size(): number {
    return this.#senders.size;
  }

  #expire(s: Sender, now: number): void {
    const from = now - this.#limits.windowMs;
    while (s.admitted[0] !== undefined && s.admitted[0].at <= from) s.admitted.shift();
    for (const [id, r] of s.refused) if (r.at <= from) s.refused.delete(id);
  }

  #prune(now: number): void {
    for (const [id, s] of this.#senders) {
      this.#expire(s, now);
      if (s.admitted.length === 0 && s.refused.size === 0) this.#senders.delete(id);
    }
  }
}
