import type { Config } from "../config/load.ts";
import { LOCALES_DIR } from "../config/load.ts";
import { IdleConversations } from "../conversation/expiry.ts";
import { teachLanguages } from "../conversation/languages.ts";
import { createRefundService } from "../conversation/refunds.ts";
import { type Database, POOL_CONNECTIONS } from "../database/open.ts";
import { Retention } from "../database/retention.ts";
import { createDeadlineReminders, type DeadlineReminders } from "../deadlines/reminders.ts";
import { createFaq, type Faq } from "../faq/index.ts";
import { createI18n, type I18n } from "../i18n/index.ts";
import type { Logger } from "../logging/logger.ts";
import type { Metrics } from "../metrics/index.ts";
import type { Pace } from "../outbox/pace.ts";
import { OutboxSender } from "../outbox/sender.ts";
import { Erasures } from "../privacy/erasure.ts";
import { Scheduler } from "../runtime/scheduler.ts";
import { createStaffDesk } from "../staff/desk.ts";
import { staffFirst } from "../staff/roles.ts";
import { erasedStaffChats } from "../staff/show-case.ts";
import type { BotApi } from "../transport/bot-api.ts";
import { Admission } from "../updates/admission.ts";
import { FloodGate } from "../updates/flood.ts";
import { Inbox, SWEEP_AGE_MS } from "../updates/inbox.ts";
import { StaffMenus } from "./commands-menu.ts";
import { createUpdateHandlers } from "./handler.ts";

/** The bot without its transport: what every adapter (Telegraf, grammY) mounts. */
export interface Core {
  readonly i18n: I18n;
  readonly faq: Faq;
  readonly inbox: Inbox;
  readonly sender: OutboxSender;
  /** deadline reminders and missed-deadline alerts, one pass at a time */
  readonly deadlines: DeadlineReminders;
  /** reminds and expires idle refund conversations, one pass at a time */
  readonly idle: IdleConversations;
  /** every background job (the passes above, the inbox sweep, retention): the entry point starts and stops it */
  readonly scheduler: Scheduler;
  /** staff's command menus, registered at start and refreshed when someone's role changes */
  readonly staffMenus: StaffMenus;
}

export interface CoreOptions {
  config: Config;
  db: Database;
  /** where the outbox sends (the transport's Bot API client) */
  api: BotApi;
  logger: Logger;
  pace?: Pace;
  /** built once and shared (tests build them once per file) */
  i18n?: I18n;
  faq?: Faq;
  /** counts updates, sends and missed deadlines for GET /metrics */
  metrics?: Metrics;
  /** the bot's username (getMe): a group's commands for other bots are not answered */
  botUsername?: string;
}

const MINUTE = 60_000;
/**
 * Updates processed at once: twice the pool's connections, so that one update
 * computes while another waits for the database; 10 cost throughput, 30–40
 * slowed the staff's presses. Measured in docs/benchmarks.md: with two
 * processes, the staff's presses during a customers' flood went from 0.36–0.62 s
 * to 0.16–0.26 s at the 99th percentile.
 */
const UPDATES_AT_ONCE = 2 * POOL_CONNECTIONS;
/** A person who asked to be forgotten is, within seconds of their last message leaving. */
const ERASURE_EVERY_MS = 5_000;

export function createI18nFor(config: Config): I18n {
  return createI18n({ localesDir: LOCALES_DIR, fallbackLanguage: config.defaultLanguage });
}

export function createCore(o: CoreOptions): Core {
  const i18n = o.i18n ?? createI18nFor(o.config);
  teachLanguages(i18n);
  const faq = o.faq ?? createFaq(i18n);
  const staffMenus = new StaffMenus({
    api: o.api,
    prisma: o.db.prisma,
    i18n,
    config: o.config,
    logger: o.logger,
  });
  const staffDeps = { config: o.config, i18n, logger: o.logger };
  const staff = createStaffDesk({
    ...staffDeps,
    onRoleChanged: (userId, role) => staffMenus.changed(userId, { role }),
  });
  const refunds = createRefundService({
    config: o.config,
    onSubmitted: staff.onSubmitted,
    onHandoff: staff.onHandoff,
  });
  const flood = new FloodGate(o.config.flood);
  const { handle, giveUp } = createUpdateHandlers({
    config: o.config,
    i18n,
    faq,
    refunds,
    logger: o.logger,
    staff,
    flood,
    onStaffLanguage: (userId, language) => staffMenus.changed(userId, { language }),
  });
  // The chat's read and write and the outbox's claim go through the driver, prepared
  // (cheaper per update: docs/benchmarks.md); HOT_PATH=prisma sends them through
  // Prisma's client, for the bench's comparison.
  const hotPath = o.config.hotPath === "prisma" ? {} : { driver: o.db.driver };
  const sender = new OutboxSender({
    prisma: o.db.prisma,
    ...hotPath,
    api: o.api,
    logger: o.logger,
    callTimeoutMs: o.config.botApiTimeoutMs,
    ...(o.pace === undefined ? {} : { pace: o.pace }),
    onChatUnreachable: async (chatId) => {
      await o.db.prisma.user.updateMany({ where: { id: chatId }, data: { blockedAt: new Date() } });
    },
    ...(o.metrics === undefined
      ? {}
      : { onSent: o.metrics.sent, onSendFailed: o.metrics.sendFailed }),
  });
  const admission = new Admission(UPDATES_AT_ONCE);
  o.metrics?.admitting(() => admission.load);
  const inbox = new Inbox({
    prisma: o.db.prisma,
    ...hotPath,
    // PGlite runs on this thread: grouping its statements needs a turn's wait.
    inThread: o.db.kind === "pglite",
    handle,
    onGiveUp: giveUp,
    logger: o.logger,
    onCommitted: (answer) => {
      sender.kick(answer);
      void staffMenus.flush();
    },
    // A press goes in all the same: it must be answered, or its button spins.
    ignoreAtDoor: (inbound) => inbound.kind !== "callback" && flood.stillFlooding(inbound.from.id),
    admission: {
      gate: admission,
      urgent: (inbound) => staffFirst(o.config, inbound),
    },
    ...(o.config.webhook === undefined ? {} : { orderWaitMs: o.config.webhook.orderWaitMs }),
    ...(o.botUsername === undefined ? {} : { botUsername: o.botUsername }),
    ...(o.metrics === undefined
      ? {}
      : { onHandled: o.metrics.updateHandled, onContended: o.metrics.updateContended }),
  });
  const deadlines = createDeadlineReminders({
    ...staffDeps,
    prisma: o.db.prisma,
    onCommitted: () => sender.kick(),
    ...(o.metrics === undefined ? {} : { onAlerted: o.metrics.deadlinesMissed }),
  });
  const idle = new IdleConversations({
    prisma: o.db.prisma,
    i18n,
    defaultLanguage: o.config.defaultLanguage,
    timeZone: o.config.timeZone,
    idleMinutes: o.config.conversationIdleMinutes,
    logger: o.logger,
    onCommitted: () => sender.kick(),
  });
  const retention = new Retention(o.db.prisma, o.logger);
  const erasures = new Erasures(o.db.prisma, o.logger, {
    ...(o.config.closedCaseDataDays === undefined
      ? {}
      : { keepClosedDays: o.config.closedCaseDataDays }),
    staff: erasedStaffChats(staffDeps),
    onCommitted: () => sender.kick(),
  });
  const scheduler = new Scheduler(
    [
      { name: "deadline reminders", everyMs: MINUTE, pass: (now) => deadlines.tick(now) },
      { name: "idle conversations", everyMs: MINUTE, pass: (now) => idle.tick(now) },
      { name: "inbox sweep", everyMs: SWEEP_AGE_MS, pass: () => inbox.sweep(SWEEP_AGE_MS) },
      { name: "retention", everyMs: 60 * MINUTE, pass: (now) => retention.tick(now) },
      { name: "erasure requests", everyMs: ERASURE_EVERY_MS, pass: (now) => erasures.tick(now) },
      {
        name: "closed requests' data",
        everyMs: 60 * MINUTE,
        pass: (now) => erasures.eraseClosed(now),
      },
    ],
    o.logger,
  );
  return { i18n, faq, inbox, sender, deadlines, idle, scheduler, staffMenus };
}
