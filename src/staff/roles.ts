import type { Config } from "../config/load.ts";
import type { Role, User } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";
import type { Inbound } from "../updates/parse.ts";

/**
 * Roles live in the database (User.role) and are read in the transaction of
 * every update: a staff member removed a second ago can no longer act. The
 * ids in ADMIN_IDS are admins from the start and cannot be demoted here.
 */
export function isStaff(user: Pick<User, "role">): boolean {
  return user.role === "staff" || user.role === "admin";
}

export function isAdmin(user: Pick<User, "role">): boolean {
  return user.role === "admin";
}

export type RoleChange =
  | { kind: "changed"; role: Role }
  | { kind: "unchanged"; role: Role }
  | { kind: "config_admin" };

/** Sets a user's role; a user the bot has not met yet gets a row now. */
export async function setRole(
  tx: Tx,
  config: Config,
  userId: bigint,
  role: Role,
): Promise<RoleChange> {
  if (role !== "admin" && config.adminIds.includes(userId)) return { kind: "config_admin" };
  const before = await tx.user.findUnique({ where: { id: userId }, select: { role: true } });
  if (before?.role === role) return { kind: "unchanged", role };
  await tx.user.upsert({
    where: { id: userId },
    create: { id: userId, role },
    update: { role },
  });
  return { kind: "changed", role };
}

/**
 * Whether an update goes before customers' for a place in the admission
 * (src/updates/admission.ts): it comes from the staff group or from an admin
 * of ADMIN_IDS. Roles in the database are read only once it is admitted.
 */
export function staffFirst(
  config: Pick<Config, "staffChatId" | "adminIds">,
  inbound: Pick<Inbound, "chatId" | "from">,
): boolean {
  return inbound.chatId === config.staffChatId || config.adminIds.includes(inbound.from.id);
}

/** Everyone who may act on cases, admins included. */
export async function staffMembers(tx: Tx): Promise<User[]> {
  return tx.user.findMany({ where: { role: { in: ["staff", "admin"] } }, orderBy: { id: "asc" } });
}

/**
 * Where staff notices go: the staff group when configured, else each staff
 * member's private chat (in their own language).
 */
export async function staffDestinations(
  tx: Tx,
  config: Config,
): Promise<{ chatId: bigint; user: User | null }[]> {
  if (config.staffChatId !== undefined) return [{ chatId: config.staffChatId, user: null }];
  const members = await staffMembers(tx);
  return members.filter((m) => m.blockedAt === null).map((m) => ({ chatId: m.id, user: m }));
}
