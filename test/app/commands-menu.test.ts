import { describe, expect, it } from "vitest";
import { registerCommandMenu } from "../../src/app/commands-menu.ts";
import { createI18nFor } from "../../src/app/core.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { testConfig } from "../support/bot.ts";
import { BotApiError, RecordingBotApi } from "../support/bot-api.ts";

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

  it("goes on when Telegram refuses", async () => {
    const api = new RecordingBotApi();
    api.failNext(new BotApiError(500, "Internal Server Error"), () => true, 5);
    await expect(
      registerCommandMenu(api, i18n, "en", createLogger("silent")),
    ).resolves.toBeUndefined();
  });
});
