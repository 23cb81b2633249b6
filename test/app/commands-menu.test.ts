import { afterEach, describe, expect, it } from "vitest";
import { registerCommandMenu } from "../../src/app/commands-menu.ts";
import { createI18nFor } from "../../src/app/core.ts";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { ADMIN, makeStaff, STAFF_ENV, STAFF_GROUP, send } from "../staff/helpers.ts";
import { TestBot, testConfig } from "../support/bot.ts";
import { BotApiError, RecordingBotApi } from "../support/bot-api.ts";
import { databaseKinds } from "../support/database.ts";

describe("registerCommandMenu", () => {
  const i18n = createI18nFor(testConfig());

  it("registers the menu once per language, and a default one", async () => {
    const api = new RecordingBotApi();
    await registerCommandMenu(api, i18n, "en", createLogger("silent"));
    const calls = api.calls.filter((c) => c.method === "setMyCommands");
    expect(calls.map((c) => c.payload.language_code)).toEqual([undefined, "en", "es", "ru", "uk"]);
    const ru = calls.find((c) => c.payload.language_code === "ru")?.payload.commands as {
      command: string;
      description: string;
    }[];
    expect(ru.find((c) => c.command === "refund")?.description).toBe("Оформить возврат");
    for (const c of calls) {
      for (const cmd of c.payload.commands as { command: string; description: string }[]) {
        expect(cmd.command).toMatch(/^[a-z0-9_]{1,32}$/);
        expect(cmd.description.length).toBeGreaterThan(2);
        expect(cmd.description.length).toBeLessThanOrEqual(256);
      }
    }
  });

  it("lists customers' commands in private chats only, dropping the menu every chat had", async () => {
    const api = new RecordingBotApi();
    await registerCommandMenu(api, i18n, "en", createLogger("silent"));
    const scopes = (method: string) =>
      api.calls
        .filter((c) => c.method === method)
        .map((c) => (c.payload.scope as { type: string }).type);
    expect(new Set(scopes("setMyCommands"))).toEqual(new Set(["all_private_chats"]));
    expect(scopes("deleteMyCommands")).toEqual([
      "default",
      "default",
      "default",
      "default",
      "default",
    ]);
  });

  it("goes on when Telegram refuses", async () => {
    const api = new RecordingBotApi();
    api.failNext(new BotApiError(500, "Internal Server Error"), () => true, 5);
    await expect(
      registerCommandMenu(api, i18n, "en", createLogger("silent")),
    ).resolves.toBeUndefined();
  });
});

type Menu = { command: string; description: string }[];

describe.each(databaseKinds)("staff menus on %s", (kind) => {
  let bot: TestBot;
  afterEach(async () => {
    await bot.close();
  });

  /** The menus set or deleted for one chat, in order (undefined: deleted). */
  function menusOf(chatId: number, language?: string): (Menu | undefined)[] {
    return bot.api.calls
      .filter((c) => {
        const scope = c.payload.scope as { type: string; chat_id?: number } | undefined;
        return (
          scope?.type === "chat" && scope.chat_id === chatId && c.payload.language_code === language
        );
      })
      .map((c) => (c.method === "deleteMyCommands" ? undefined : (c.payload.commands as Menu)));
  }

  it("gives the staff group the staff commands in each language, and each member theirs and the customer's", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    await send(bot.customer(ADMIN, "ru"), "/start");
    await bot.core.staffMenus.registerAll();
    const group = menusOf(STAFF_GROUP, "ru")[0] ?? [];
    expect(group.map((c) => c.command)).toContain("approve");
    expect(group.map((c) => c.command)).not.toContain("refund");
    expect(group.find((c) => c.command === "queue")?.description).toBe(
      "Открытые заявки, сначала с ближайшим сроком",
    );
    const admin = (menusOf(ADMIN)[0] ?? []).map((c) => c.command);
    expect(admin).toEqual(
      expect.arrayContaining(["refund", "status", "approve", "queue", "staff"]),
    );
    expect(menusOf(ADMIN)[0]?.find((c) => c.command === "refund")?.description).toBe(
      "Оформить возврат",
    );
  });

  it("follows a member's language: known once they write after /staff add, then their /language", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    await send(bot.customer(ADMIN), "/staff add 4300");
    await expect.poll(() => menusOf(4300).length).toBe(1);
    const queue = (menu: Menu | undefined) => menu?.find((c) => c.command === "queue")?.description;
    expect(queue(menusOf(4300)[0])).toBe("Open cases, oldest deadline first");
    const member = bot.customer(4300, "ru", "Petro");
    await send(member, "/start");
    await expect
      .poll(() => queue(menusOf(4300).at(-1)))
      .toBe("Открытые заявки, сначала с ближайшим сроком");
    await member.press(encodeCallback({ kind: "language", language: "uk" }));
    await expect
      .poll(() => queue(menusOf(4300).at(-1)))
      .toBe("Відкриті заявки, спершу з найближчим терміном");
    // A customer's choice of language leaves the menus alone.
    const calls = bot.api.calls.length;
    await send(bot.customer(4301, "en"), "/start");
    await bot.customer(4301).press(encodeCallback({ kind: "language", language: "es" }));
    await bot.core.staffMenus.flush();
    expect(bot.api.calls.slice(calls).filter((c) => c.method.endsWith("MyCommands"))).toEqual([]);
  });

  it("offers the admins' commands (/privacy) in admins' menus only", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    await makeStaff(bot.db.prisma, 4200);
    await bot.core.staffMenus.registerAll();
    const commands = (chatId: number) => (menusOf(chatId)[0] ?? []).map((c) => c.command);
    expect(commands(4200)).toContain("queue");
    expect(commands(4200)).not.toContain("privacy");
    expect(commands(ADMIN)).toContain("privacy");
    expect((menusOf(STAFF_GROUP)[0] ?? []).map((c) => c.command)).not.toContain("privacy");
    await send(bot.customer(ADMIN), "/admin add 4200");
    await expect.poll(() => menusOf(4200).length).toBe(2);
    expect((menusOf(4200)[1] ?? []).map((c) => c.command)).toContain("privacy");
  });

  it("gives a configured admin who has not written yet the staff menu in the default language", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    await bot.core.staffMenus.registerAll();
    expect(menusOf(ADMIN)[0]?.find((c) => c.command === "approve")?.description).toBe(
      "Approve a case (after the D3 check)",
    );
  });

  it("follows /staff add and /staff remove once they are committed", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    const admin = bot.customer(ADMIN);
    expect((await send(admin, "/staff add 4100"))[0]?.text).toBe("4100 is staff now.");
    await expect.poll(() => menusOf(4100).length).toBe(1);
    expect((menusOf(4100)[0] ?? []).map((c) => c.command)).toContain("claim");
    expect((await send(admin, "/staff remove 4100"))[0]?.text).toBe("4100 is no longer staff.");
    await expect.poll(() => menusOf(4100).length).toBe(2);
    expect(menusOf(4100)[1]).toBeUndefined();
  });
});
