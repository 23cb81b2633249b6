/**
 * How many updates this process works on at once, and which go first. Each
 * update's work is a few database round trips with a little computing
 * between them; past a few per connection, more of them at once only lengthen
 * the pool's queue and every turn of the event loop, so each one, a staff
 * member's button as much as a customer's message, takes as long as the whole
 * flood. Past the limit an update waits here for a place, costing nothing,
 * and urgent updates take the next free place before any other.
 */
export class Admission {
  readonly #limit: number;
  #running = 0;
  readonly #urgent: (() => void)[] = [];
  readonly #others: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit: ${limit}`);
    this.#limit = limit;
  }

  /**
   * Runs `work` once it has a place; resolves or rejects as it does. The work
   * may give its place back early (`leave`), once what is left of it keeps no
   * one else waiting.
   */
  async run<T>(urgent: boolean, work: (leave: () => void) => Promise<T>): Promise<T> {
    if (this.#running < this.#limit) this.#running++;
    else await new Promise<void>((enter) => (urgent ? this.#urgent : this.#others).push(enter));
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      this.#leave();
    };
    try {
      return await work(leave);
    } finally {
      leave();
    }
  }

  /** Updates working now, and waiting for a place (the metrics, tests). */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#urgent.length + this.#others.length };
  }

  /** A leaving update hands its place straight to the next waiting one. */
  #leave(): void {
    const next = this.#urgent.shift() ?? this.#others.shift();
    if (next === undefined) this.#running--;
    else next();
  }
}
