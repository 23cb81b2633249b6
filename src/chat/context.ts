import type { Conversation, User } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";
import type { I18n, TParams } from "../i18n/index.ts";
import { createSpeaker, type Speaker } from "../i18n/speaker.ts";
import type { Button, Outgoing } from "../outbox/write.ts";
import type {
  CaseMove,
  CaseOpen,
  ConversationWrite,
  Needs,
  PromptTaken,
} from "../updates/chat-state.ts";

/**
 * What a handler of one update works with: who is writing, in which
 * language, the time, the chat's conversation as read, and what the update
 * changes — the messages to send and the conversation to save — written
 * together when the handler is done.
 */
export interface ChatContext extends Speaker {
  /**
   * The update's transaction, or the client for a plan of its own statements
   * (`Plan.needs`), for what the chat state does not hold (cases, hand-offs,
   * staff work). Most updates never touch it: a plan that says it needs
   * neither runs without one, and reaching for it there is a bug.
   */
  readonly tx: Tx;
  readonly chatId: bigint;
  readonly user: User;
  /** the language to answer in; /language may change it during the step */
  lang: string;
  readonly now: Date;
  readonly out: Outgoing[];
  /** the chat's refund conversation: the row as read, then as this update leaves it */
  conversation: Conversation | null;
  /** set when this update changes the conversation */
  conversationWrite: ConversationWrite | undefined;
  /** set when this update moves a case: written with the chat, from the case's version as read */
  caseMove: CaseMove | undefined;
  /** set when this update submits a request: the case is written with the chat */
  caseOpen: CaseOpen | undefined;
  /** set when this update answers the writer's staff prompt of this action: it goes with the write */
  promptTaken: PromptTaken | undefined;
  /** Queues a message to this chat, rendered from a locale key. */
  say(key: string, params?: TParams, buttons?: Button[][]): void;
  /** Queues a message to this chat whose text is already rendered. */
  send(text: string, buttons?: Button[][]): void;
  /**
   * What an action says to the person who did it: on a button press, the
   * button's own answer (a pop-up with `alert`, else a passing notice), so
   * the chat gains no message; otherwise a message.
   */
  notify(key: string, params?: TParams, o?: { alert?: true }): void;
  /** The update is a button press. */
  readonly pressed: boolean;
  /** The button's answer `notify` left, if any. */
  readonly pressAnswer: { text: string; alert: boolean } | undefined;
  /** The rest of the update runs in this transaction (a plan that needs one). */
  enter(tx: Tx): void;
}

/** Telegram shows at most this much of a button's answer. */
const MAX_ANSWER_LENGTH = 200;

/**
 * What an update will do, decided from the chat as read and before anything
 * is written: whether doing it needs a transaction, and doing it.
 */
export interface Plan<T = void> {
  readonly needs: Needs;
  run(ctx: ChatContext): Promise<T>;
}

export function direct<T = void>(run: (ctx: ChatContext) => Promise<T>): Plan<T> {
  return { needs: "direct", run };
}

/**
 * Repeatable statements through the client (reads, an upsert, drawing a
 * case's number), then the chat's write, which may carry a case's move or
 * open a submitted case: no BEGIN and COMMIT.
 */
export function oneStatement<T = void>(run: (ctx: ChatContext) => Promise<T>): Plan<T> {
  return { needs: "statement", run };
}

export function inTransaction<T = void>(run: (ctx: ChatContext) => Promise<T>): Plan<T> {
  return { needs: "transaction", run };
}

/** Nothing to do. */
export const NOTHING: Plan = direct(async () => {});

export function createChatContext(
  i18n: I18n,
  init: {
    chatId: bigint;
    user: User;
    conversation: Conversation | null;
    lang: string;
    now: Date;
    timeZone: string;
    /** the update is a button press */
    pressed: boolean;
  },
): ChatContext {
  const { timeZone, pressed, ...rest } = init;
  let pressAnswer: ChatContext["pressAnswer"];
  // Set by `enter` when the update's plan runs in a transaction.
  let tx: Tx | undefined;
  // The reader's language may change during the step (/language).
  let spoken = createSpeaker(i18n, init.lang, timeZone);
  const speaker = () => {
    if (spoken.lang !== ctx.lang) spoken = createSpeaker(i18n, ctx.lang, timeZone);
    return spoken;
  };
  const ctx: ChatContext = {
    ...rest,
    pressed,
    get tx(): Tx {
      if (tx === undefined) throw new Error("a plan that needs no transaction reached for one");
      return tx;
    },
    enter: (db) => {
      tx = db;
    },
    out: [],
    conversationWrite: undefined,
    caseMove: undefined,
    caseOpen: undefined,
    promptTaken: undefined,
    t: (key, params) => speaker().t(key, params),
    date: (at) => speaker().date(at),
    money: (amount, currency) => speaker().money(amount, currency),
    day: (isoDate) => speaker().day(isoDate),
    zone: (timeZone) => speaker().zone(timeZone),
    say: (key, params, buttons) => ctx.send(ctx.t(key, params), buttons),
    send: (text, buttons) => {
      ctx.out.push({
        kind: "message",
        chatId: ctx.chatId,
        text,
        ...(buttons === undefined ? {} : { buttons }),
      });
    },
    notify: (key, params, o) => {
      const text = ctx.t(key, params);
      if (!pressed) ctx.send(text);
      else pressAnswer = { text: text.slice(0, MAX_ANSWER_LENGTH), alert: o?.alert === true };
    },
    get pressAnswer() {
      return pressAnswer;
    },
  };
  return ctx;
}
