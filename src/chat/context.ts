import type { User } from "../database/generated/client.ts";
import type { I18n, TParams } from "../i18n/index.ts";
import type { Button, Outgoing } from "../outbox/write.ts";
import type { Tx } from "../updates/inbox.ts";

/**
 * What a handler of one update works with: the transaction, who is writing,
 * in which language, the time, and the messages the step will send (written
 * to the outbox when the handler is done, in the same transaction).
 */
export interface ChatContext {
  readonly tx: Tx;
  readonly chatId: bigint;
  readonly user: User;
  /** the language to answer in; /language may change it during the step */
  lang: string;
  readonly now: Date;
  readonly out: Outgoing[];
  t(key: string, params?: TParams): string;
  /** A date and time as this reader writes them, in the configured time zone. */
  date(at: Date): string;
  /** Queues a message to this chat, rendered from a locale key. */
  say(key: string, params?: TParams, buttons?: Button[][]): void;
  /** Queues a message to this chat whose text is already rendered. */
  send(text: string, buttons?: Button[][]): void;
}

export function createChatContext(
  i18n: I18n,
  init: { tx: Tx; chatId: bigint; user: User; lang: string; now: Date; timeZone: string },
): ChatContext {
  const { timeZone, ...rest } = init;
  const ctx: ChatContext = {
    ...rest,
    out: [],
    t: (key, params) => i18n.t(ctx.lang, key, params),
    date: (at) =>
      new Intl.DateTimeFormat(ctx.lang, {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone,
      }).format(at),
    say: (key, params, buttons) => ctx.send(ctx.t(key, params), buttons),
    send: (text, buttons) => {
      ctx.out.push({
        kind: "message",
        chatId: ctx.chatId,
        text,
        ...(buttons === undefined ? {} : { buttons }),
      });
    },
  };
  return ctx;
}
