import { type DestinationStream, type Logger, pino } from "pino";
import { scrub, scrubString } from "./redact.ts";

export type { Logger } from "pino";

/**
 * A structured JSON logger whose every record, message and error first goes
 * through `scrub`, so that secrets and payment details never reach a log.
 */
export function createLogger(
  level: string,
  destination?: DestinationStream,
  bindings: Record<string, unknown> = {},
): Logger {
  return pino(
    {
      level,
      base: { ...bindings },
      formatters: { log: (record) => scrub(record) as Record<string, unknown> },
      serializers: { err: (e: unknown) => scrub(e) },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === "string" ? scrubString(a) : a)) as typeof args,
          );
        },
      },
    },
    destination,
  );
}
