import type { I18n } from "../i18n/index.ts";
import type { Logger } from "../logging/logger.ts";
import { COMMANDS } from "../routes/index.ts";
import type { BotApi } from "../transport/bot-api.ts";

/** The commands shown in Telegram's menu, in the route table's order. */
const MENU_COMMANDS = Object.entries(COMMANDS)
  .filter(([, route]) => route.menu === "customer")
  .map(([name]) => name);

/**
 * Registers the command menu once per language (`language_code`), and once
 * without a language for everyone else, in the default language. A failure is
 * logged, not fatal: the bot works without a menu.
 */
export async function registerCommandMenu(
  api: BotApi,
  i18n: I18n,
  defaultLanguage: string,
  logger: Logger,
) {
  const commands = (lang: string) =>
    MENU_COMMANDS.map((command) => ({
      command,
      description: i18n.t(lang, `bot:commands.${command}`),
    }));
  const calls: { commands: ReturnType<typeof commands>; language_code?: string }[] = [
    { commands: commands(defaultLanguage) },
    ...i18n.languages.map((lang) => ({ commands: commands(lang), language_code: lang })),
  ];
  for (const payload of calls) {
    try {
      await api.call("setMyCommands", payload);
    } catch (err) {
      logger.warn(
        { err, language: payload.language_code ?? "default" },
        "could not register the command menu",
      );
    }
  }
}
