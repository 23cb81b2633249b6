import type { EvidenceLimits, Refused } from "../cases/evidence.ts";
import type { ChatContext } from "./context.ts";

/** Tells the customer why a file was not attached, with the limit it broke. */
export function sayRefusedFile(ctx: ChatContext, why: Refused, limits: EvidenceLimits): void {
  ctx.say(`bot:evidence.refused.${why}`, {
    max: why === "size" ? Math.floor(limits.maxBytes / (1024 * 1024)) : limits.maxFiles,
  });
}
