import type { Logger } from "../logging/logger.ts";
import type { World } from "./world.ts";

/**
 * Webhook delivery, as Telegram does it: while a webhook is set, the oldest
 * update is POSTed (with the secret token header) until the bot answers 2xx,
 * then the next one; a failure is retried after a pause. One at a time keeps
 * the order; the playground's own bot polls, so this serves other bots.
 */
export function startWebhookDelivery(world: World, logger: Logger, retryMs = 1000) {
  let running = true;
  let wake: (() => void) | undefined;
  const previous = world.updates.onPush;
  world.updates.onPush = () => {
    previous?.();
    wake?.();
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const loop = (async () => {
    while (running) {
      const hook = world.webhook;
      const update = world.updates.peek();
      if (hook === undefined || update === undefined) {
        await pause(200);
        continue;
      }
      try {
        const res = await fetch(hook.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(hook.secret === undefined
              ? {}
              : { "x-telegram-bot-api-secret-token": hook.secret }),
          },
          body: JSON.stringify(update),
          signal: AbortSignal.timeout(60_000),
        });
        await res.body?.cancel();
        if (res.ok) {
          world.updates.confirm(update.update_id + 1);
          continue;
        }
        logger.warn({ status: res.status }, "webhook answered an error; retrying");
      } catch (err) {
        logger.warn({ err }, "webhook unreachable; retrying");
      }
      await pause(retryMs);
    }
  })();

  return {
    async stop(): Promise<void> {
      running = false;
      wake?.();
      await loop;
    },
  };
}
