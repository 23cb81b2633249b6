import type { Logger } from "../logging/logger.ts";

/**
 * Runs a pass at start and every `everyMs`, never two at once, and logs
 * (without throwing) a pass that fails. stop() waits for a running pass to finish.
 */
export class Periodic {
  readonly #name: string;
  readonly #pass: (now: Date) => Promise<unknown>;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(name: string, pass: (now: Date) => Promise<unknown>, logger: Logger) {
    this.#name = name;
    this.#pass = pass;
    this.#logger = logger;
  }

  /** Runs a pass now, then every `everyMs`; calling it twice does nothing. */
  start(everyMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#run(), everyMs);
    this.#timer.unref();
    this.#run();
  }

  #run(): void {
    this.#running ??= this.#pass(new Date())
      .catch((err: unknown) =>
        this.#logger.error({ err, pass: this.#name }, "periodic pass failed"),
      )
      .finally(() => {
        this.#running = undefined;
      });
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
