import type { Logger } from "../logging/logger.ts";
import { Periodic } from "./periodic.ts";

/** A background pass and how often it runs. */
export interface Job {
  name: string;
  everyMs: number;
  pass: (now: Date) => Promise<unknown>;
}

/**
 * Every background job of the program in one place: deadline reminders, idle
 * conversations, retention and the inbox sweep. Each job finds its work in
 * the database and writes conditionally, so several processes can run the
 * same jobs side by side and a restart loses nothing.
 */
export class Scheduler {
  readonly jobs: readonly Job[];
  readonly #runners: Periodic[];

  constructor(jobs: readonly Job[], logger: Logger) {
    this.jobs = jobs;
    this.#runners = jobs.map((j) => new Periodic(j.name, j.pass, logger));
  }

  start(): void {
    this.#runners.forEach((r, i) => {
      r.start(this.jobs[i]?.everyMs ?? 60_000);
    });
  }

  /** Stops every timer and waits for the passes that are running. */
  async stop(): Promise<void> {
    await Promise.all(this.#runners.map((r) => r.stop()));
  }
}
