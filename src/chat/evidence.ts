import type { EvidenceLimits, Refused } from "../cases/evidence.ts";
import type { Speaker } from "../i18n/speaker.ts";
import type { ChatContext } from "./context.ts";

const MB = 1024 * 1024;

/** Tells the customer why a file was not attached, with the limit it broke. */
export function sayRefusedFile(ctx: ChatContext, why: Refused, limits: EvidenceLimits): void {
  switch (why) {
    case "type":
      ctx.say("bot:evidence.refused.type", { types: typeList(ctx, limits.types) });
      return;
    case "size":
      ctx.say("bot:evidence.refused.size", { max: Math.floor(limits.maxBytes / MB) });
      return;
    case "count":
      ctx.say("bot:evidence.refused.count", { count: limits.maxFiles });
      return;
  }
}

/** The types EVIDENCE_TYPES allows, as the reader would list them ("photos or PDF"). */
function typeList(s: Speaker, types: readonly string[]): string {
  const names = types.map((t) => {
    if (t === "image/*") return s.t("bot:evidence.images");
    const sub = t.split("/")[1] ?? t;
    // A short subtype is the name people know (PDF, PNG); a long one is shown as configured.
    return sub !== "*" && sub.length <= 5 ? sub.toUpperCase() : t;
  });
  return new Intl.ListFormat(s.lang, { type: "disjunction" }).format([...new Set(names)]);
}
