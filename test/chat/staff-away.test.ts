import { afterEach, describe, expect, it } from "vitest";
import { addDays, fromLocal, toLocal } from "../../machines/refund/dates.ts";
import { createI18nFor } from "../../src/app/core.ts";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { weekdayOf } from "../../src/deadlines/business-days.ts";
import { createSpeaker } from "../../src/i18n/speaker.ts";
import { press, STAFF_ENV, send, submitBalanceRequest, textsTo } from "../staff/helpers.ts";
import { TestBot } from "../support/bot.ts";
import { databaseKinds } from "../support/database.ts";

const TZ = "Europe/Berlin";
const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** Support hours on one day only, three days from now: whenever the test runs, staff are away. */
function awayUntil(): { env: Record<string, string>; back: Date } {
  const day = addDays(toLocal(Date.now(), TZ).date, 3);
  return {
    env: { ...STAFF_ENV, SUPPORT_HOURS: `${DAY_NAMES[weekdayOf(day)]} 09:00-10:00` },
    back: new Date(fromLocal(day, "09:00", TZ)),
  };
}

describe.each(databaseKinds)("outside the support hours (%s)", (kind) => {
  let bot: TestBot | undefined;
  afterEach(async () => {
    await bot?.close();
  });

  it("a question for a person is told, in the customer's language, when staff are back", async () => {
    const { env, back } = awayUntil();
    bot = await TestBot.create(kind, env);
    const olga = bot.customer(5100, "ru");
    await press(olga, encodeCallback({ kind: "menu", action: "human" }));
    const replies = (await send(olga, "Проверьте, пожалуйста, мой заказ 77")).map((r) => r.text);
    const ru = createSpeaker(createI18nFor(bot.config), "ru", TZ);
    expect(replies.at(-1)).toBe(ru.t("bot:hours.away", { back: ru.date(back) }));
  });

  it("a submitted request is told too, after its confirmation", async () => {
    const { env, back } = awayUntil();
    bot = await TestBot.create(kind, env);
    const ann = bot.customer(5101, "en");
    await submitBalanceRequest(ann);
    const en = createSpeaker(createI18nFor(bot.config), "en", TZ);
    const texts = textsTo(bot, 5101);
    expect(texts.at(-2)).toMatch(/^Your request #\d+ has been sent/);
    expect(texts.at(-1)).toBe(en.t("bot:hours.away", { back: en.date(back) }));
  });

  it("within the hours (or with none configured) nobody is told to wait", async () => {
    bot = await TestBot.create(kind, { ...STAFF_ENV, SUPPORT_HOURS: "Sun-Sat 00:00-24:00" });
    const ann = bot.customer(5102, "en");
    await submitBalanceRequest(ann);
    expect(textsTo(bot, 5102).at(-1)).toMatch(/^Your request #\d+ has been sent/);
  });
});
