import { attachToCase, type EvidenceFile } from "../cases/evidence.ts";
import { transition } from "../cases/transition.ts";
import type { ChatContext } from "../chat/context.ts";
import { sayRefusedFile } from "../chat/evidence.ts";
import type { Outgoing } from "../outbox/write.ts";
import type { StaffDeps } from "./deps.ts";
import { staffSpeakers } from "./notify.ts";
import { cardEdits, copyOf, fileLabel } from "./show-case.ts";
import { nameOf } from "./words.ts";

/**
 * The customer's case that waits for their answer; of several, the one asked
 * last: the question they have just read.
 */
async function waitingCase(ctx: ChatContext) {
  const [c] = await ctx.tx.$queryRaw<{ id: number; assigneeId: bigint | null }[]>`
    SELECT c."id", c."assigneeId" FROM "RefundCase" c
     WHERE c."customerId" = ${ctx.user.id} AND c."status" = 'needs_info'
     ORDER BY (SELECT max(e."id") FROM "CaseEvent" e
                WHERE e."caseId" = c."id" AND e."toStatus" = 'needs_info'
                  AND e."fromStatus" IS DISTINCT FROM 'needs_info') DESC NULLS LAST, c."id" DESC
     LIMIT 1`;
  return c ?? null;
}

/**
 * A customer's message while one of their cases waits for information: the
 * message is the answer. It is stored as the note of the needs_info →
 * in_review event (the audit log keeps it with who and when), the case goes
 * back to review, and staff are told: the staff group, else whoever asked.
 */
export async function takeAnswer(
  ctx: ChatContext,
  deps: StaffDeps,
  text: string,
): Promise<boolean> {
  const c = await waitingCase(ctx);
  if (c === null) return false;
  const r = await transition(
    ctx.tx,
    c.id,
    { kind: "customer", id: ctx.user.id },
    { action: "answer", note: text },
    ctx.now,
  );
  if (r.kind !== "ok") return false;
  ctx.say("bot:caseNews.answerReceived", { id: c.id });
  const assignee =
    r.case.assigneeId === null
      ? null
      : await ctx.tx.user.findUnique({ where: { id: r.case.assigneeId } });
  const out: Outgoing[] = (await staffSpeakers(ctx.tx, deps, assignee)).map(({ chatId, s }) => {
    return {
      kind: "message",
      chatId,
      text: s.t("staff:answer.received", { id: c.id, name: nameOf(ctx.user), text }),
      about: ctx.user.id,
      // The card holds the buttons of the case's state and is kept current; this
      // notice only leads to it, which never goes out of date.
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
  ctx.out.push(...out, ...(await cardEdits(ctx.tx, deps, c.id, "post")));
  return true;
}

/**
 * A customer's photo or file while one of their cases waits for information:
 * attached to that case (the attachment is its own entry in the audit log),
 * and sent on to staff: the staff group, else whoever asked. The case keeps
 * waiting: the question may want words as well. False when no case waits.
 */
export async function takeFile(
  ctx: ChatContext,
  deps: StaffDeps,
  file: EvidenceFile,
): Promise<boolean> {
  const c = await waitingCase(ctx);
  if (c === null) return false;
  const r = await attachToCase(
    ctx.tx,
    { customerId: ctx.user.id, chatId: ctx.chatId, caseId: c.id, now: ctx.now, file },
    deps.config.evidence,
  );
  if (r.kind === "refused") {
    sayRefusedFile(ctx, r.why, deps.config.evidence);
    return true;
  }
  ctx.say("bot:evidence.caseAttached", { id: c.id });
  const assignee =
    c.assigneeId === null ? null : await ctx.tx.user.findUnique({ where: { id: c.assigneeId } });
  for (const { chatId, s } of await staffSpeakers(ctx.tx, deps, assignee)) {
    ctx.out.push({
      kind: "message",
      chatId,
      text: s.t("staff:files.received", {
        id: c.id,
        name: nameOf(ctx.user),
        file: fileLabel(s, file),
      }),
      about: ctx.user.id,
    });
    ctx.out.push(
      copyOf(chatId, { chatId: ctx.chatId, messageId: file.messageId, customerId: ctx.user.id }),
    );
  }
  // The cards count the case's files.
  ctx.out.push(...(await cardEdits(ctx.tx, deps, c.id, "skip")));
  return true;
}
