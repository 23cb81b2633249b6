import type { CaseStatus, RefundKind } from "../database/generated/client.ts";
import type { PrismaClient, Tx } from "../database/open.ts";
import type { Outgoing } from "../outbox/write.ts";
import { enqueue } from "../outbox/write.ts";
import type { StaffDeps } from "../staff/deps.ts";
import { staffSpeakers } from "../staff/notify.ts";
import { deadlineClause, openDeadlines } from "./deadline.ts";

/**
 * Deadline reminders and missed-deadline alerts (F1, F2). Everything the job
 * needs is in the database (RefundCase.dueAt, remindedAt, overdueAt), so a
 * restart loses nothing; each tick runs in one transaction holding a
 * transaction-scoped advisory lock, so with several processes one ticks and
 * the others skip; and each notice is sent only if its conditional UPDATE
 * (… WHERE remindedAt IS NULL) matched, so nothing is sent twice.
 */

/** Single-key advisory lock of the deadline job (the migration runner's is 72707369). */
export const DEADLINE_LOCK_KEY = 72707370;

const BATCH = 100;

export type TickResult = { kind: "ran"; reminded: number; alerted: number } | { kind: "busy" };

export interface DeadlineReminders {
  /** One pass (the scheduler runs it every minute): reminders due by `now`, alerts for deadlines missed by `now`. */
  tick(now?: Date): Promise<TickResult>;
}

export interface DeadlineRemindersOptions extends StaffDeps {
  prisma: PrismaClient;
  /** how long before a deadline staff are reminded (default 4 hours) */
  remindBeforeMs?: number;
  /** told after a tick wrote messages (the outbox sender's kick) */
  onCommitted?: () => void;
  /** told how many missed-deadline alerts a tick sent (the metrics) */
  onAlerted?: (count: number) => void;
}

export function createDeadlineReminders(o: DeadlineRemindersOptions): DeadlineReminders {
  const remindBeforeMs = o.remindBeforeMs ?? 4 * 60 * 60 * 1000;

  async function notices(
    tx: Tx,
    c: { id: number; kind: RefundKind; status: CaseStatus; dueAt: Date; assigneeId: bigint | null },
    key: "staff:deadline.reminder" | "staff:deadline.missed",
  ): Promise<Outgoing[]> {
    const assignee =
      c.assigneeId === null ? null : await tx.user.findUnique({ where: { id: c.assigneeId } });
    // The staff group sees everything; without one, the case's owner, or everyone when unclaimed.
    return (await staffSpeakers(tx, o, assignee)).map(({ chatId, s }) => {
      return {
        kind: "message",
        chatId,
        text: s.t(key, {
          id: c.id,
          due: s.date(c.dueAt),
          clause: deadlineClause(c),
          state: s.t(`staff:state.${c.status}`),
        }),
        buttons: [
          [
            {
              text: s.t("staff:buttons.view"),
              callback: { kind: "staff", action: "view", caseId: c.id },
            },
          ],
        ],
      };
    });
  }

  async function tick(now: Date = new Date()): Promise<TickResult> {
    const result = await o.prisma.$transaction(
      async (tx): Promise<TickResult> => {
        const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(${DEADLINE_LOCK_KEY}::int8) AS locked`;
        if (lock?.locked !== true) return { kind: "busy" };
        const select = {
          id: true,
          kind: true,
          status: true,
          dueAt: true,
          assigneeId: true,
        } as const;
        const out: Outgoing[] = [];
        let alerted = 0;
        const missed = await tx.refundCase.findMany({
          where: { ...openDeadlines(), overdueAt: null, dueAt: { lte: now } },
          orderBy: { dueAt: "asc" },
          take: BATCH,
          select,
        });
        for (const c of missed) {
          const { count } = await tx.refundCase.updateMany({
            where: { id: c.id, overdueAt: null },
            // A missed deadline needs no reminder any more.
            data: { overdueAt: now, remindedAt: now },
          });
          if (count === 0) continue;
          out.push(...(await notices(tx, c, "staff:deadline.missed")));
          alerted++;
        }
        let reminded = 0;
        const soon = await tx.refundCase.findMany({
          where: {
            ...openDeadlines(),
            remindedAt: null,
            dueAt: { gt: now, lte: new Date(now.getTime() + remindBeforeMs) },
          },
          orderBy: { dueAt: "asc" },
          take: BATCH,
          select,
        });
        for (const c of soon) {
          const { count } = await tx.refundCase.updateMany({
            where: { id: c.id, remindedAt: null },
            data: { remindedAt: now },
          });
          if (count === 0) continue;
          out.push(...(await notices(tx, c, "staff:deadline.reminder")));
          reminded++;
        }
        await enqueue(tx, out);
        return { kind: "ran", reminded, alerted };
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
    if (result.kind === "ran" && result.reminded + result.alerted > 0) o.onCommitted?.();
    if (result.kind === "ran") o.onAlerted?.(result.alerted);
    return result;
  }

  return { tick };
}
