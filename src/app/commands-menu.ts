import type { Config } from "../config/load.ts";
import type { Role } from "../database/generated/client.ts";
import type { PrismaClient } from "../database/open.ts";
import type { I18n } from "../i18n/index.ts";
import type { Logger } from "../logging/logger.ts";
import { COMMANDS } from "../routes/index.ts";
import type { MenuScope } from "../routes/route.ts";
import { isAdmin, isStaff, staffMembers } from "../staff/roles.ts";
import type { BotApi } from "../transport/bot-api.ts";

type BotCommand = { command: string; description: string };
type CommandScope =
  | { type: "default" }
  | { type: "all_private_chats" }
  | { type: "chat"; chat_id: number };

/** The commands of these menu scopes, in the route table's order, described in `lang`. */
function commandsOf(i18n: I18n, lang: string, scopes: readonly MenuScope[]): BotCommand[] {
  return Object.entries(COMMANDS).flatMap(([command, route]) =>
    route.menu !== undefined && scopes.includes(route.menu.scope)
      ? [{ command, description: i18n.t(lang, route.menu.description) }]
      : [],
  );
}

/** A failure is logged, not fatal: the bot works without a menu. */
async function call(
  api: BotApi,
  logger: Logger,
  method: "setMyCommands" | "deleteMyCommands",
  payload: { scope: CommandScope; commands?: BotCommand[]; language_code?: string },
): Promise<void> {
  try {
    await api.call(method, payload);
  } catch (err) {
    logger.warn(
      { err, scope: payload.scope.type, language: payload.language_code ?? "default" },
      "could not register the command menu",
    );
  }
}

/**
 * Registers the customers' menu for every private chat, once per language
 * (`language_code`) and once without a language for everyone else, in the
 * default language. The menu of every chat, which earlier versions set, is
 * deleted: groups would list customers' commands that get no answer there.
 */
export async function registerCommandMenu(
  api: BotApi,
  i18n: I18n,
  defaultLanguage: string,
  logger: Logger,
) {
  const scope: CommandScope = { type: "all_private_chats" };
  await call(api, logger, "setMyCommands", {
    scope,
    commands: commandsOf(i18n, defaultLanguage, ["customer"]),
  });
  for (const lang of i18n.languages) {
    const commands = commandsOf(i18n, lang, ["customer"]);
    await call(api, logger, "setMyCommands", { scope, commands, language_code: lang });
  }
  await call(api, logger, "deleteMyCommands", { scope: { type: "default" } });
  for (const lang of i18n.languages)
    await call(api, logger, "deleteMyCommands", {
      scope: { type: "default" },
      language_code: lang,
    });
}

/** What an update sets that a member's menu follows. */
export type MenuChange = { role: Role } | { language: string };

export interface StaffMenusOptions {
  api: BotApi;
  prisma: PrismaClient;
  i18n: I18n;
  config: Config;
  logger: Logger;
}

/**
 * Staff's menus: the staff commands in the staff group, per language, and in
 * each staff member's private chat theirs and the customer's (an admin's with
 * the admins' too), in their language. A chat's menu outranks the one of
 * every private chat, so customers keep theirs. A change of someone's role or
 * of a member's language is noted by the update that makes it (`changed`) and
 * applied after a commit (`flush`) once the database holds what the update
 * set: an update that was rolled back or run again applies nothing twice, and
 * is forgotten after a minute.
 */
export class StaffMenus {
  readonly #o: StaffMenusOptions;
  readonly #pending = new Map<bigint, { set: MenuChange; at: number }>();

  constructor(o: StaffMenusOptions) {
    this.#o = o;
  }

  /** At start: the staff group's menus and every staff member's, configured admins included. */
  async registerAll(): Promise<void> {
    const { api, prisma, i18n, config, logger } = this.#o;
    if (config.staffChatId !== undefined) {
      const scope: CommandScope = { type: "chat", chat_id: Number(config.staffChatId) };
      const commands = (lang: string) => commandsOf(i18n, lang, ["staff"]);
      await call(api, logger, "setMyCommands", {
        scope,
        commands: commands(config.defaultLanguage),
      });
      for (const lang of i18n.languages)
        await call(api, logger, "setMyCommands", {
          scope,
          commands: commands(lang),
          language_code: lang,
        });
    }
    try {
      const members = await staffMembers(prisma);
      for (const member of members) await this.#member(member.id, member);
      // Admins by configuration are admins before their first message gives them a row.
      for (const id of config.adminIds)
        if (!members.some((m) => m.id === id))
          await this.#member(id, { role: "admin", language: null });
    } catch (err) {
      logger.warn({ err }, "could not register the staff members' command menus");
    }
  }

  /** Someone's role or language is being set by an update not committed yet. */
  changed(userId: bigint, set: MenuChange): void {
    this.#pending.set(userId, { set, at: Date.now() });
  }

  /** Applies the changes that are committed; a failure is logged and tried at the next commit. */
  async flush(): Promise<void> {
    for (const [userId, { set, at }] of this.#pending) {
      try {
        const user = await this.#o.prisma.user.findUnique({ where: { id: userId } });
        const committed =
          user !== null &&
          ("role" in set ? user.role === set.role : user.language === set.language);
        if (committed) {
          this.#pending.delete(userId);
          await this.#member(userId, user);
        } else if (Date.now() - at > 60_000) this.#pending.delete(userId);
      } catch (err) {
        this.#o.logger.warn({ err, userId }, "could not refresh a staff member's command menu");
      }
    }
  }

  /** A member's private chat: the staff menu while they are staff, else the customers' again. */
  async #member(
    userId: bigint,
    user: { role: Role; language: string | null } | null,
  ): Promise<void> {
    const { api, i18n, config, logger } = this.#o;
    const scope: CommandScope = { type: "chat", chat_id: Number(userId) };
    if (user === null || !isStaff(user)) {
      await call(api, logger, "deleteMyCommands", { scope });
      return;
    }
    const lang = i18n.pickLanguage(user.language ?? undefined, config.defaultLanguage);
    const scopes: MenuScope[] = isAdmin(user)
      ? ["customer", "staff", "admin"]
      : ["customer", "staff"];
    const commands = commandsOf(i18n, lang, scopes);
    await call(api, logger, "setMyCommands", { scope, commands });
  }
}
