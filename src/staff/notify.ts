import type { RefundCase } from "../database/generated/client.ts";
import type { TParams } from "../i18n/index.ts";
import type { Outgoing } from "../outbox/write.ts";
import type { Tx } from "../updates/inbox.ts";
import type { StaffDeps } from "./deps.ts";
import { languageOf, type Speaker, speaker } from "./words.ts";

/** The customer of a case, as a speaker in their own language. */
export async function customerSpeaker(
  tx: Tx,
  deps: StaffDeps,
  customerId: bigint,
): Promise<Speaker> {
  const u = await tx.user.findUnique({ where: { id: customerId }, select: { language: true } });
  return speaker(
    deps.i18n,
    deps.config,
    languageOf(deps.i18n, deps.config, u ?? { language: null }),
  );
}

/**
 * What the customer is told when staff act on their case, in their language;
 * the message goes to the case's chat through the outbox with everything else.
 */
export async function customerNotice(
  tx: Tx,
  deps: StaffDeps,
  c: RefundCase,
  key: string,
  params: TParams = {},
): Promise<Outgoing> {
  const s = await customerSpeaker(tx, deps, c.customerId);
  return {
    kind: "message",
    chatId: c.chatId,
    text: s.t(key, {
      id: c.id,
      amount: c.amount.toFixed(2),
      currency: c.currency,
      due: s.date(c.dueAt),
      email: deps.config.supportEmail,
      ...params,
    }),
  };
}
