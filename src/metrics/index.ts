import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { OPEN } from "../cases/transition.ts";
import type { PrismaClient } from "../database/open.ts";

/**
 * What the bot exposes to Prometheus on GET /metrics. One registry per
 * process, created by the entry point and handed to the parts that count
 * (the inbox, the outbox sender, the deadline scheduler) as small hooks, so
 * none of them imports prom-client. Figures that live in the database (the
 * outbox backlog, open cases) are read from it at each scrape, so they are
 * right with several processes sharing one database.
 */
export interface Metrics {
  readonly registry: Registry;
  /** one update processed: its kind, how it ended, and how long its transaction took */
  updateHandled(kind: string, outcome: UpdateOutcome, seconds: number): void;
  /** an update ran again (its chat changed under it) or waited in the store behind its lane's earlier updates */
  updateContended(kind: string, how: string): void;
  /** the Bot API refused or could not take a message (code 0: not reached) */
  sendFailed(method: string, code: number): void;
  /** a message was accepted by Telegram */
  sent(method: string): void;
  /** missed-deadline alerts this process sent */
  deadlinesMissed(count: number): void;
  /** where this process's updates stand in its admission (src/updates/admission.ts), read at each scrape */
  admitting(load: () => AdmissionLoad): void;
  /** the Prometheus text exposition of every metric */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** Updates being worked on, and waiting for a place, in this process's admission. */
export type AdmissionLoad = { running: number; waiting: number };

/** ok: processed; failed: an attempt threw (retried); given_up: set aside after the last try. */
export type UpdateOutcome = "ok" | "failed" | "given_up";

export function createMetrics(o: { prisma?: PrismaClient; defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (o.defaults ?? true) collectDefaultMetrics({ register: registry });
  const updates = new Counter({
    name: "refund_updates_handled_total",
    help: "Telegram updates processed, by kind and outcome",
    labelNames: ["kind", "outcome"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "refund_update_handler_seconds",
    help: "Time to process one update (its whole transaction), by kind",
    labelNames: ["kind"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const contended = new Counter({
    name: "refund_updates_contended_total",
    help: "Times an update ran again because its chat or case changed under it (how=rerun), and updates stored to wait behind their chat's earlier updates (how=deferred), by kind",
    labelNames: ["kind", "how"] as const,
    registers: [registry],
  });
  const sentTotal = new Counter({
    name: "refund_outbox_sent_total",
    help: "Messages and calls the outbox delivered to the Bot API, by method",
    labelNames: ["method"] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: "refund_outbox_send_failures_total",
    help: "Bot API calls from the outbox that failed, by method and error code (0: not reached)",
    labelNames: ["method", "code"] as const,
    registers: [registry],
  });
  const missed = new Counter({
    name: "refund_deadlines_missed_total",
    help: "Missed-deadline alerts sent to staff by this process",
    registers: [registry],
  });
  let admission: () => AdmissionLoad = () => ({ running: 0, waiting: 0 });
  new Gauge({
    name: "refund_updates_in_progress",
    help: "Updates this process is reading and deciding now, at most twice its database connections; one whose write waits in the group commit, or that runs again because its chat changed, is not counted",
    registers: [registry],
    collect() {
      this.set(admission().running);
    },
  });
  new Gauge({
    name: "refund_updates_waiting",
    help: "Updates this process has received and that wait for a place to be worked on (the staff group's and the configured admins' go first)",
    registers: [registry],
    collect() {
      this.set(admission().waiting);
    },
  });
  const prisma = o.prisma;
  if (prisma !== undefined) {
    new Gauge({
      name: "refund_outbox_pending",
      help: "Outbox messages waiting to be sent (read from the database at each scrape)",
      registers: [registry],
      async collect() {
        this.set(await prisma.outboxMessage.count({ where: { status: "pending" } }));
      },
    });
    new Gauge({
      name: "refund_outbox_pending_private",
      help: "Outbox messages waiting to be sent to private chats: customers, and staff in their own chats (every staff notice when there is no staff group); the rest go to groups, where Telegram lets a bot send about 20 messages a minute per group",
      registers: [registry],
      async collect() {
        this.set(
          await prisma.outboxMessage.count({ where: { status: "pending", chatId: { gt: 0 } } }),
        );
      },
    });
    new Gauge({
      name: "refund_cases_open",
      help: "Cases not closed yet, by status (read from the database at each scrape)",
      labelNames: ["status"] as const,
      registers: [registry],
      async collect() {
        const rows = await prisma.refundCase.groupBy({
          by: ["status"],
          where: { status: { in: [...OPEN] } },
          _count: true,
        });
        for (const s of OPEN) this.set({ status: s }, 0);
        for (const r of rows) this.set({ status: r.status }, r._count);
      },
    });
    new Gauge({
      name: "refund_cases_overdue",
      help: "Open cases whose deadline has passed and was alerted (read from the database at each scrape)",
      registers: [registry],
      async collect() {
        this.set(
          await prisma.refundCase.count({
            where: {
              overdueAt: { not: null },
              // F2 is met once a payout is decided: an approved payout is no longer late.
              OR: [
                { kind: "balance", status: { in: [...OPEN] } },
                { kind: "payout", status: { in: ["submitted", "in_review", "needs_info"] } },
              ],
            },
          }),
        );
      },
    });
    new Counter({
      name: "refund_ratings_total",
      help: "Ratings customers gave closed cases, by stars (read from the database at each scrape)",
      labelNames: ["stars"] as const,
      registers: [registry],
      async collect() {
        const rows = await prisma.caseRating.groupBy({ by: ["stars"], _count: true });
        // A rating is kept for good, so the count only grows: a counter, set from the rows.
        this.reset();
        for (const stars of ["1", "2", "3", "4", "5"]) {
          this.inc({ stars }, rows.find((r) => String(r.stars) === stars)?._count ?? 0);
        }
      },
    });
  }
  return {
    registry,
    updateHandled(kind, outcome, seconds) {
      updates.inc({ kind, outcome });
      latency.observe({ kind }, seconds);
    },
    updateContended(kind, how) {
      contended.inc({ kind, how });
    },
    sendFailed(method, code) {
      failures.inc({ method, code: String(code) });
    },
    sent(method) {
      sentTotal.inc({ method });
    },
    deadlinesMissed(count) {
      if (count > 0) missed.inc(count);
    },
    admitting(load) {
      admission = load;
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
