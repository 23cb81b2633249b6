import type { Config } from "../config/load.ts";
import type { User } from "../database/generated/client.ts";
import type { I18n, TParams } from "../i18n/index.ts";

/**
 * Words for a reader other than the one who wrote the update: the customer
 * told of a decision, the staff group, another staff member's private chat.
 */
export interface Speaker {
  readonly lang: string;
  t(key: string, params?: TParams): string;
  date(at: Date): string;
}

export function speaker(i18n: I18n, config: Config, lang: string): Speaker {
  const format = new Intl.DateTimeFormat(lang, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: config.timeZone,
  });
  return { lang, t: (key, params) => i18n.t(lang, key, params), date: (at) => format.format(at) };
}

/** The language a stored user reads. */
export function languageOf(i18n: I18n, config: Config, user: Pick<User, "language">): string {
  return i18n.pickLanguage(user.language ?? undefined, config.defaultLanguage);
}

/** How staff see a person: name, @username, else the id. */
export function nameOf(user: Pick<User, "id" | "firstName" | "username"> | null): string {
  if (user === null) return "?";
  const parts = [user.firstName, user.username === null ? null : `@${user.username}`].filter(
    (p): p is string => p !== null && p !== "",
  );
  return parts.length > 0 ? parts.join(" ") : String(user.id);
}
