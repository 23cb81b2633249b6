interface Task {
  /** the update_id the task works on; a lane takes its lowest waiting task first */
  order: bigint;
  /** settles when the task may start (src/updates/sequence.ts) */
  ready: Promise<void>;
  run(): Promise<void>;
}

interface Lane {
  waiting: Task[];
  /** settles when the lane has nothing left to run */
  done: Promise<void>;
}

/**
 * One queue per lane (a private chat, or a member of a group): a lane runs
 * one task at a time, and of the tasks waiting, the one with the lowest
 * update_id first, so a burst of one chat's updates that arrives out of order
 * is still processed in order. A lane that was idle starts at the next turn of
 * the event loop, not at once: requests that arrived together join it first.
 * A task may also wait to be ready (a webhook update whose predecessors are
 * still on their way); whatever joins the lane meanwhile with a lower
 * update_id goes first. Lanes run in parallel.
 */
export class Lanes {
  readonly #lanes = new Map<bigint, Lane>();

  /** Runs `run` in the lane in its turn; resolves or rejects as it does. */
  run(
    lane: bigint,
    order: bigint,
    run: () => Promise<void>,
    ready: Promise<void> = Promise.resolve(),
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const task: Task = { order, ready, run: () => run().then(resolve, reject) };
      const existing = this.#lanes.get(lane);
      if (existing !== undefined) {
        insertSorted(existing.waiting, task);
        return;
      }
      const created: Lane = { waiting: [task], done: Promise.resolve() };
      created.done = new Promise<void>((r) => setImmediate(r)).then(() =>
        this.#work(lane, created),
      );
      this.#lanes.set(lane, created);
    });
  }

  /** Whether the lane has work running or waiting in this process. */
  has(lane: bigint): boolean {
    return this.#lanes.has(lane);
  }

  /** Resolves once every lane is idle. */
  async idle(): Promise<void> {
    while (this.#lanes.size > 0) await Promise.all([...this.#lanes.values()].map((l) => l.done));
  }

  async #work(key: bigint, lane: Lane): Promise<void> {
    for (let head = lane.waiting[0]; head !== undefined; head = lane.waiting[0]) {
      await head.ready;
      // Something earlier joined while the head waited: it goes first.
      if (lane.waiting[0] !== head) continue;
      lane.waiting.shift();
      await head.run();
    }
    this.#lanes.delete(key);
  }
}

function insertSorted(waiting: Task[], task: Task): void {
  const at = waiting.findIndex((t) => t.order > task.order);
  if (at === -1) waiting.push(task);
  else waiting.splice(at, 0, task);
}
