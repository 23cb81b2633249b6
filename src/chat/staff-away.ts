import type { Config } from "../config/load.ts";
import { nextOpening } from "../deadlines/support-hours.ts";
import type { ChatContext } from "./context.ts";

/**
 * Outside the support hours, a customer whose question or request has just
 * gone to staff is told when a person will be there: nobody answers at 23:00
 * on a Saturday, and silence reads as being ignored.
 */
export function sayWhenStaffAreBack(ctx: ChatContext, config: Config): void {
  const back = nextOpening(ctx.now, config.supportHours, {
    timeZone: config.timeZone,
    holidays: config.holidays,
  });
  if (back !== undefined) ctx.say("bot:hours.away", { back: ctx.date(back) });
}
