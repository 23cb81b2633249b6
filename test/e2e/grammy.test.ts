import type { Server } from "node:http";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type Core, createCore } from "../../src/app/core.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { createGrammyTransport } from "../../src/transport/grammy.ts";
import { startHttpServer } from "../../src/transport/http-server.ts";
import { createWebhookIntake } from "../../src/transport/webhook-intake.ts";
import { testConfig } from "../support/bot.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { type Emulator, freePort, startEmulator, startSecretRelay } from "../support/emulator.ts";
import {
  balanceRequestScenario,
  EmulatedCustomer,
  payoutRequestScenario,
} from "../support/scenario.ts";

// The same core mounted on grammY instead of Telegraf: nothing but the
// adapter changes, and the same customer scenarios pass over HTTP.
const TOKEN = "555555555:AAGrammyAdapterTokenForTheEmulator_x";
const SECRET = "grammy-secret-token-0123456789";

let emulator: Emulator;
let relay: Awaited<ReturnType<typeof startSecretRelay>>;
let db: TestDatabase;
let core: Core;
let server: Server;

beforeAll(async () => {
  emulator = await startEmulator();
  const port = await freePort();
  relay = await startSecretRelay(() => port, SECRET);
  db = await createTestDatabase("pglite");
  const logger = createLogger("silent");
  const config = testConfig({ TELEGRAM_API_ROOT: emulator.config.apiURL });
  const transport = createGrammyTransport({
    token: TOKEN,
    apiRoot: emulator.config.apiURL,
    logger,
    callTimeoutMs: config.botApiTimeoutMs,
  });
  core = createCore({ config, db, api: transport.api, logger });
  await transport.setWebhook(`http://127.0.0.1:${relay.port}/grammy`, SECRET);
  const route = createWebhookIntake({
    secret: SECRET,
    logger,
    store: (update) => core.inbox.accept(update, { wait: false }),
  });
  server = await startHttpServer({
    host: "127.0.0.1",
    port,
    logger,
    routes: new Map([["/grammy", route]]),
    health: {},
  });
  core.sender.start();
}, 60_000);

afterAll(async () => {
  await core?.sender.stop();
  await core?.inbox.idle();
  server?.close();
  relay?.server.close();
  await db?.close();
  await emulator?.stop();
});

describe("the core on grammY, against the Bot API emulator", () => {
  it("completes a refund request to the balance", async () => {
    await balanceRequestScenario(new EmulatedCustomer(emulator, TOKEN, 6001, "en"));
  });

  it("completes a payout request", async () => {
    await payoutRequestScenario(new EmulatedCustomer(emulator, TOKEN, 6002, "en"));
  });
});
