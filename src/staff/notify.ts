import { ratingAsk } from "../chat/rating.ts";
import type { RefundCase, User } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";
import type { TParams } from "../i18n/index.ts";
import { createSpeaker, type Speaker } from "../i18n/speaker.ts";
import type { Outgoing } from "../outbox/write.ts";
import type { StaffDeps } from "./deps.ts";
import { staffDestinations } from "./roles.ts";
import { languageOf } from "./words.ts";

/** The staff group's speaker: its messages are the whole group's, in the default language. */
export function groupSpeaker(deps: Pick<StaffDeps, "config" | "i18n">): Speaker {
  return createSpeaker(deps.i18n, deps.config.defaultLanguage, deps.config.timeZone);
}

/**
 * Who on staff is told, each as a speaker in their own language: the staff
 * group when configured, else each staff member's private chat, or only the
 * `owner`'s when a claimed case concerns just them.
 */
export async function staffSpeakers(
  tx: Tx,
  deps: Pick<StaffDeps, "config" | "i18n">,
  owner: User | null = null,
): Promise<{ chatId: bigint; s: Speaker }[]> {
  const { config, i18n } = deps;
  const destinations =
    config.staffChatId === undefined && owner !== null
      ? [{ chatId: owner.id, user: owner }]
      : await staffDestinations(tx, config);
  return destinations.map((d) => ({
    chatId: d.chatId,
    s: createSpeaker(
      i18n,
      d.user === null ? config.defaultLanguage : languageOf(i18n, config, d.user),
      config.timeZone,
    ),
  }));
}

/**
 * Of `chatIds`, the staff chats, each as a speaker in its language: the staff
 * group, and the private chat of anyone on staff now (a card opened there with
 * /case stays theirs when a staff group takes the notices).
 */
export async function staffChatSpeakers(
  tx: Tx,
  deps: Pick<StaffDeps, "config" | "i18n">,
  chatIds: readonly bigint[],
): Promise<Map<bigint, Speaker>> {
  const { config, i18n } = deps;
  const out = new Map<bigint, Speaker>();
  const group = config.staffChatId;
  if (group !== undefined && chatIds.includes(group)) out.set(group, groupSpeaker(deps));
  const privateChats = chatIds.filter((id) => id > 0n);
  if (privateChats.length === 0) return out;
  const members = await tx.user.findMany({
    where: { id: { in: privateChats }, role: { in: ["staff", "admin"] } },
  });
  for (const m of members)
    out.set(m.id, createSpeaker(i18n, languageOf(i18n, config, m), config.timeZone));
  return out;
}

/** The customer of a case, as a speaker in their own language. */
export async function customerSpeaker(
  tx: Tx,
  deps: StaffDeps,
  customerId: bigint,
  /** the customer's row as the caller read it in this transaction, if it did */
  known?: Pick<User, "language"> | null,
): Promise<Speaker> {
  const u =
    known !== undefined
      ? known
      : await tx.user.findUnique({ where: { id: customerId }, select: { language: true } });
  return createSpeaker(
    deps.i18n,
    languageOf(deps.i18n, deps.config, u ?? { language: null }),
    deps.config.timeZone,
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
  customer?: Pick<User, "language"> | null,
): Promise<Outgoing> {
  const s = await customerSpeaker(tx, deps, c.customerId, customer);
  return {
    kind: "message",
    chatId: c.chatId,
    text: s.t(key, {
      id: c.id,
      amount: s.money(c.amount, c.currency),
      due: s.date(c.dueAt),
      email: deps.config.supportEmail,
      ...params,
    }),
  };
}

/** Asks the customer of a closed case to rate it, with five star buttons, in their language. */
export async function ratingRequest(
  tx: Tx,
  deps: StaffDeps,
  c: RefundCase,
  customer?: Pick<User, "language"> | null,
): Promise<Outgoing> {
  const ask = ratingAsk(await customerSpeaker(tx, deps, c.customerId, customer), c.id);
  return { kind: "message", chatId: c.chatId, ...ask };
}
