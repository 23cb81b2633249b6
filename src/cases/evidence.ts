import type { Attachment } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";

/** What a customer may attach (EVIDENCE_MAX_FILES, EVIDENCE_MAX_MB, EVIDENCE_TYPES). */
export interface EvidenceLimits {
  maxFiles: number;
  maxBytes: number;
  /** MIME types, or families as `image/*` */
  types: readonly string[];
}

/** A photo or document as Telegram described it (src/updates/parse.ts). */
export type EvidenceFile = Pick<
  Attachment,
  "kind" | "fileId" | "fileUniqueId" | "mimeType" | "size" | "messageId"
>;

export type Refused = "type" | "size" | "count";

/** Whether a MIME type is one the configuration allows (a family `image/*` allows every image). */
export function allowedType(mime: string | null, types: readonly string[]): boolean {
  if (mime === null) return false;
  const m = mime.toLowerCase();
  return types.some((t) => (t.endsWith("/*") ? m.startsWith(t.slice(0, -1)) : m === t));
}

/** Why a file cannot be attached beside `count` others, or null when it can. */
export function refusal(file: EvidenceFile, count: number, limits: EvidenceLimits): Refused | null {
  if (!allowedType(file.mimeType, limits.types)) return "type";
  if (file.size !== null && file.size > limits.maxBytes) return "size";
  if (count >= limits.maxFiles) return "count";
  return null;
}

/**
 * The files of a request in progress: the chat's attachments with no case
 * yet, sent since its conversation began. Older ones belong to a request
 * that was cancelled, replaced or expired, and are deleted on the way.
 */
async function drafts(tx: Tx, chatId: bigint, since: Date): Promise<number> {
  // One statement, not a delete and a count: both look at the same rows.
  const rows = await tx.$queryRaw<{ n: number }[]>`
    WITH gone AS (
      DELETE FROM "Attachment"
       WHERE "chatId" = ${chatId} AND "caseId" IS NULL AND "createdAt" < ${since.toISOString()}::timestamp(3)
    )
    SELECT count(*)::int AS "n" FROM "Attachment"
     WHERE "chatId" = ${chatId} AND "caseId" IS NULL AND "createdAt" >= ${since.toISOString()}::timestamp(3)`;
  return rows[0]?.n ?? 0;
}

export type Attached = { kind: "attached"; count: number } | { kind: "refused"; why: Refused };

/**
 * Attaches a file to the request in progress in a chat (the conversation
 * that began at `since`), within the limits; a refused file changes nothing.
 */
export async function attachToDraft(
  tx: Tx,
  o: { customerId: bigint; chatId: bigint; since: Date; now: Date; file: EvidenceFile },
  limits: EvidenceLimits,
): Promise<Attached> {
  const count = await drafts(tx, o.chatId, o.since);
  const why = refusal(o.file, count, limits);
  if (why !== null) return { kind: "refused", why };
  await tx.attachment.create({ data: row(o.customerId, o.chatId, null, o.file, o.now) });
  return { kind: "attached", count: count + 1 };
}

/** How many files the request in progress in a chat has. */
export async function draftCount(tx: Tx, chatId: bigint, since: Date): Promise<number> {
  return drafts(tx, chatId, since);
}

/** Drops the files of a request that is being replaced by a new one. */
export async function dropDrafts(tx: Tx, chatId: bigint): Promise<void> {
  await tx.attachment.deleteMany({ where: { chatId, caseId: null } });
}

/** Attaches a file to a submitted case (one waiting for the customer's answer), within the limits. */
export async function attachToCase(
  tx: Tx,
  o: { customerId: bigint; chatId: bigint; caseId: number; now: Date; file: EvidenceFile },
  limits: EvidenceLimits,
): Promise<Attached> {
  const count = await tx.attachment.count({ where: { caseId: o.caseId } });
  const why = refusal(o.file, count, limits);
  if (why !== null) return { kind: "refused", why };
  await tx.attachment.create({ data: row(o.customerId, o.chatId, o.caseId, o.file, o.now) });
  return { kind: "attached", count: count + 1 };
}

/** A case's files, oldest first. */
export function caseFiles(tx: Tx, caseId: number): Promise<Attachment[]> {
  return tx.attachment.findMany({ where: { caseId }, orderBy: { id: "asc" } });
}

function row(
  customerId: bigint,
  chatId: bigint,
  caseId: number | null,
  f: EvidenceFile,
  now: Date,
) {
  return {
    customerId,
    chatId,
    caseId,
    kind: f.kind,
    fileId: f.fileId,
    fileUniqueId: f.fileUniqueId,
    mimeType: f.mimeType,
    size: f.size,
    messageId: f.messageId,
    createdAt: now,
  };
}
