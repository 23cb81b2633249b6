import type { Config } from "../config/load.ts";
import type { User } from "../database/generated/client.ts";
import type { I18n } from "../i18n/index.ts";

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
