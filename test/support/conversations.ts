import { encodeCallback } from "../../src/callbacks/data.ts";

/** Scripted customers: whole conversations as the raw updates Telegram would deliver. */
export const TIME_ZONE = "Europe/Berlin";

function today(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE }).format(new Date());
}

/**
 * One customer's whole conversation, as the updates Telegram would deliver:
 * `nextId` numbers the updates (one numbering for the whole bot, without gaps,
 * as Telegram's), and messages are numbered within the chat.
 */
export function conversation(userId: number, nextId: () => number): Record<string, unknown>[] {
  const from = { id: userId, is_bot: false, first_name: "Load", language_code: "en" };
  const chat = { id: userId, type: "private" };
  let messageId = 0;
  const text = (t: string) => ({
    update_id: nextId(),
    message: { message_id: ++messageId, date: 0, chat, from, text: t },
  });
  const press = (event: object) => ({
    update_id: nextId(),
    callback_query: {
      id: `${userId}-${++messageId}`,
      from,
      chat_instance: "x",
      message: { message_id: 1, date: 0, chat },
      data: encodeCallback({ kind: "refund", event: JSON.stringify(event) }),
    },
  });
  const choose = (q: string, v: string) => press({ type: "choose", q, v });
  return [
    text("/start"),
    text("/refund"),
    choose("want", "balance"),
    choose("service", "one_time"),
    choose("what", "no_sms"),
    choose("code_shown", "no"),
    choose("restrictions", "yes"),
    choose("problem_date", today()),
    text("load@example.com"),
    text("+44 7700 900123"),
    text("2.50 EUR"),
    choose("comment", "skip"),
    press({ type: "submit" }),
  ];
}
