/**
 * Who lives in the playground: the bot, a few customers, the staff members and
 * their group. Fixed ids, so that a reset gives the same world again.
 */

/** A fake token in Telegram's shape; the local Bot API accepts only this one. */
export const PLAYGROUND_TOKEN = "7000000001:playground_fake_token_not_for_telegram";

export const BOT_USER = {
  id: 7000000001,
  is_bot: true,
  first_name: "Refund Assistant",
  username: "refund_playground_bot",
  can_join_groups: true,
  // Privacy mode, Telegram's default: in groups the bot gets commands and replies to it.
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as const;

export interface Person {
  id: number;
  firstName: string;
  username: string;
  /** the Telegram app's language the person starts with (the page can change it) */
  language: string;
}

export const CUSTOMERS = [
  { id: 100001, firstName: "Ann", username: "ann_customer", language: "en" },
  { id: 100002, firstName: "Boris", username: "boris_customer", language: "ru" },
  { id: 100003, firstName: "Olena", username: "olena_customer", language: "uk" },
  { id: 100004, firstName: "Lucía", username: "lucia_customer", language: "es" },
] as const satisfies readonly Person[];

/** Both are admins (ADMIN_IDS), so either can act on every case from the start. */
export const STAFF = [
  { id: 200001, firstName: "Sam", username: "sam_staff", language: "en" },
  { id: 200002, firstName: "Kim", username: "kim_staff", language: "en" },
] as const satisfies readonly Person[];

export const STAFF_GROUP = {
  id: -1001000000001,
  type: "supergroup",
  title: "Refund staff",
} as const;

/** The languages the page offers for a customer's Telegram app. */
export const APP_LANGUAGES = ["en", "ru", "uk", "es"] as const;

export function findPerson(id: number): Person | undefined {
  return [...CUSTOMERS, ...STAFF].find((p) => p.id === id);
}
