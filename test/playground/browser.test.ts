import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { type Playground, startPlayground } from "../../src/playground/run.ts";
import { chooseChromium, launchChromium, systemChromiumPath } from "../support/browser.ts";

// The whole product in a real browser: the playground page, the local Bot API,
// and the real bot (node src/main.ts) as a child, on the Chromium that
// test/support/browser.ts chooses.
const SHOTS = path.resolve("test-results/playground");

let playground: Playground;
let browser: Browser;
let page: Page;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

const botMessages = (pane: "customer" | "staff") => page.locator(`#${pane}-messages li.bot`);

/** Runs `act`, then waits for `count` new bot messages in the pane; returns the newest one's text. */
async function expectReplies(pane: "customer" | "staff", count: number, act: () => Promise<void>) {
  const before = await botMessages(pane).count();
  await act();
  await expect
    .poll(() => botMessages(pane).count(), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(before + count);
  return (await botMessages(pane).last().textContent()) ?? "";
}

async function say(text: string, count = 1) {
  return expectReplies("customer", count, async () => {
    await page.getByLabel("Message as the customer").fill(text);
    await page.getByLabel("Message as the customer").press("Enter");
  });
}

/** Presses the newest button of the pane whose callback data contains `fragment`. */
async function press(pane: "customer" | "staff", fragment: string, count = 1) {
  const button = page.locator(`#${pane}-messages button[data-callback*='${fragment}']`).last();
  return expectReplies(pane, count, () => button.click());
}

/** Whether the page's emoji font has been loaded (the browser fetches it for the first emoji drawn). */
function emojiFontLoaded(): Promise<boolean> {
  // A string: this project's TypeScript has no DOM types.
  return page.evaluate<boolean>(
    `[...document.fonts].some((f) => f.family.replaceAll('"', "") === "Noto Color Emoji" && f.status === "loaded")`,
  );
}

beforeAll(async () => {
  // The browser first: unpacking it points TMPDIR elsewhere for a moment.
  browser = await launchChromium(await chooseChromium(systemChromiumPath()));
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "playground-")), "data");
  playground = await startPlayground({
    config: parseConfig({}),
    logger: createLogger("silent"),
    dataDir,
    port: 0,
    botLogLevel: "warn",
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
});

describe("the playground in a browser", () => {
  it("a customer's refund request goes to the staff group, staff approve it with the card's buttons, the customer is told", async () => {
    await page.goto(playground.url);
    await expect.poll(() => page.locator("#status").textContent()).toBe("Bot running");

    // The command menu is Telegram's, per language: registered by the bot with setMyCommands.
    await page.getByRole("button", { name: "Menu" }).first().click();
    await expect.poll(() => page.locator("#customer-menu").textContent()).toContain("/refund");
    await page.keyboard.press("Escape");

    // An empty chat says how to begin; its /start sends the command.
    const hint = page.locator("#customer-hint");
    await expect.poll(() => hint.isVisible()).toBe(true);
    await shot("0-first-visit");
    await expectReplies("customer", 2, () => hint.getByRole("button", { name: "/start" }).click());
    expect(await hint.isVisible()).toBe(false);
    expect(await botMessages("customer").first().textContent()).toContain("Hello, Ann!");
    await say("/refund", 2);
    await press("customer", '"v":"balance"');
    await press("customer", '"v":"one_time"');
    await press("customer", '"v":"no_sms"');
    await press("customer", '"q":"code_shown","v":"no"');
    await press("customer", '"q":"restrictions","v":"yes"');
    await press("customer", '"q":"problem_date"');
    await say("ann@example.com");
    await say("+44 7700 900123");
    await say("2.50 EUR");
    await press("customer", '"q":"comment","v":"skip"');
    // Evidence: the page draws a screenshot and sends it as the customer's photo.
    expect(
      await expectReplies("customer", 1, () =>
        page.getByRole("button", { name: "Send a photo (a generated screenshot)" }).click(),
      ),
    ).toContain("Got it: file 1 of 5.");
    expect(await page.locator("#customer-messages img.photo").count()).toBe(1);
    const summary = await press("customer", '"q":"evidence","v":"done"');
    expect(summary).toContain("Amount: €2.50");
    expect(summary).toContain("Files: 1 file");
    await shot("1-customer-summary");
    const done = await press("customer", '"type":"submit"');
    expect(await page.locator("#customer-messages").textContent()).toMatch(
      /request #\d+ has been sent/,
    );
    expect(done).toBeTruthy();

    // The case card, with its buttons, in the staff group.
    const card = page.locator("#staff-messages li.bot", { hasText: /Case #\d+ — refund/ }).first();
    await expect.poll(() => card.textContent(), { timeout: 15_000 }).toContain("New case");
    await expect.poll(() => page.locator("#staff-messages button").count()).toBeGreaterThan(0);
    // The customer's photo follows the card, copied by the bot.
    await expect.poll(() => page.locator("#staff-messages img.photo").count()).toBe(1);
    // The card's emoji come from the font the page ships when the system has none.
    await expect.poll(() => emojiFontLoaded()).toBe(true);
    expect(await card.textContent()).toContain("State: waiting for review");
    await shot("2-card-in-staff-group");

    // Claiming from the card changes the card itself: its state, who holds it, its buttons.
    const staffCount = await botMessages("staff").count();
    await card.locator("button[data-callback*='|s|claim|']").click();
    await expect.poll(() => card.textContent(), { timeout: 15_000 }).toContain("State: in review");
    expect(await card.textContent()).toContain("Claimed by: Sam");
    expect(await card.locator("button[data-callback*='|s|claim|']").count()).toBe(0);
    expect(await botMessages("staff").count()).toBe(staffCount);
    await shot("3-card-claimed-in-place");

    // Approve asks for the D3 check first; its button approves, and the card follows.
    expect(await press("staff", "|s|approve|")).toContain("D3");
    await shot("4-d3-confirmation");
    await page.locator("#staff-messages button[data-callback*='|s|confirm|']").last().click();
    await expect.poll(() => card.textContent(), { timeout: 15_000 }).toContain("State: approved");
    // Only "done" is left to do, beside the button that shows the customer's photo again.
    expect(
      await card
        .locator("button[data-callback]")
        .evaluateAll((bs) => bs.map((b) => b.getAttribute("data-callback")?.split("|")[2])),
    ).toEqual(["done", "files"]);
    await shot("5-card-approved-in-place");

    // The customer reads the decision in their chat.
    await expect
      .poll(() => botMessages("customer").last().textContent(), { timeout: 15_000 })
      .toMatch(/Good news: your request #\d+ is approved/);
    await shot("6-customer-told");
  }, 180_000);

  it("the reset button asks first, then wipes the playground's database and the chats", async () => {
    const reset = page.getByRole("button", { name: "Reset" });
    const before = await page.locator("#customer-messages li").count();
    let question = "";
    page.once("dialog", (d) => {
      question = d.message();
      void d.dismiss();
    });
    await reset.click();
    expect(question).toMatch(/^Reset the playground\?/);
    expect(await page.locator("#status").textContent()).toBe("Bot running");
    expect(await page.locator("#customer-messages li").count()).toBe(before);

    page.once("dialog", (d) => void d.accept());
    await reset.click();
    await expect
      .poll(() => page.locator("#status").textContent(), { timeout: 60_000 })
      .toBe("Bot running");
    await expect.poll(() => page.locator("#customer-messages li").count()).toBe(0);
    expect(await page.locator("#customer-hint").isVisible()).toBe(true);
    // A fresh database: the customer has no requests.
    expect(await say("/status")).not.toMatch(/#\d+/);
  }, 90_000);
});
