import type { Logger } from "../logging/logger.ts";

type Closer = { name: string; close: () => Promise<void> | void };

/**
 * Graceful shutdown: on SIGINT/SIGTERM, close what was registered in reverse
 * order (stop taking work first, the database last), then exit. A signal
 * during the program's start waits for the start to end first, so that what
 * it opened is closed and a migration under way is not cut off. A second
 * signal exits at once.
 */
export class Shutdown {
  readonly #closers: Closer[] = [];
  readonly #logger: Logger;
  #closing: Promise<void> | undefined;
  #starting: Promise<unknown> | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** The program's start, under way: closing waits for it to end, however it ends. */
  during(start: Promise<unknown>): void {
    this.#starting = start;
  }

  /** A shutdown has begun: a start still under way should start nothing more. */
  get requested(): boolean {
    return this.#closing !== undefined;
  }

  /** Registers something to close; later registrations close first. */
  add(name: string, close: Closer["close"]): void {
    this.#closers.push({ name, close });
  }

  listen(signals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"]): void {
    for (const signal of signals) {
      process.on(signal, () => {
        if (this.#closing !== undefined) {
          this.#logger.warn({ signal }, "second signal: exiting now");
          process.exit(130);
        }
        this.#logger.info({ signal }, "shutting down");
        void this.run().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
  }

  run(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#starting?.catch(() => {});
      for (const c of [...this.#closers].reverse()) {
        try {
          await c.close();
          this.#logger.debug({ part: c.name }, "closed");
        } catch (err) {
          this.#logger.error({ err, part: c.name }, "failed to close");
        }
      }
    })();
    return this.#closing;
  }
}
