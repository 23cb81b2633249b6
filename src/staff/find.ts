import type { ChatContext } from "../chat/context.ts";
import { Prisma } from "../database/generated/client.ts";
import { caseLine, openButtons, PAGE_SIZE, pagingRow } from "./queue.ts";

/**
 * /find <text>: open and closed cases by what staff remember of them. What
 * the text looks like says where to look:
 *
 *   #12              case 12
 *   @ann             the customer's @username (any case of letters); without the @ too
 *   ann@example.com  the account (e-mail), or part of it
 *   12.50, 12,50 EUR the amount (and the currency, when given)
 *   4477009          digits: the case number, the customer's id, the amount, or part of the number or order
 *   anything else    part of the account or of the number or order (spaces, dashes and "+" ignored)
 *
 * Newest first, a page at a time. The exact terms use the primary key and
 * the customer index; a partial one reads the cases newest first and stops
 * once a page is full, so a common term costs a page and a rare one up to
 * one pass over the cases (a few milliseconds per ten thousand).
 */
export interface FindTerms {
  caseId: number | null;
  customerId: bigint | null;
  username: string | null;
  amount: { value: string; currency: string | null } | null;
  /** lower-case text that the account contains */
  account: string | null;
  /** lower-case letters and digits that the number or order contains */
  reference: string | null;
}

const NONE: FindTerms = {
  caseId: null,
  customerId: null,
  username: null,
  amount: null,
  account: null,
  reference: null,
};

const MAX_CASE = 2_147_483_647;

export function findTerms(text: string): FindTerms {
  const t = text.trim();
  const hash = /^[#№]\s?([1-9]\d{0,9})$/.exec(t);
  if (hash !== null) {
    const id = Number(hash[1]);
    return { ...NONE, caseId: id <= MAX_CASE ? id : null };
  }
  const at = /^@([A-Za-z0-9_]{1,32})$/.exec(t);
  if (at !== null) return { ...NONE, username: at[1] ?? null };
  const money = /^(\d{1,15})(?:[.,](\d{1,4}))?\s*([A-Za-z]{3})?$/.exec(t);
  if (money !== null && (money[2] !== undefined || money[3] !== undefined)) {
    return {
      ...NONE,
      amount: {
        value: `${money[1]}.${money[2] ?? "0"}`,
        currency: money[3]?.toUpperCase() ?? null,
      },
    };
  }
  const reference = letters(t);
  if (/^\d{1,16}$/.test(t)) {
    const n = Number(t);
    return {
      ...NONE,
      caseId: n >= 1 && n <= MAX_CASE ? n : null,
      customerId: BigInt(t),
      amount: { value: t, currency: null },
      // a number or order is searched from three digits: fewer match nearly everything
      reference: t.length >= 3 ? t : null,
    };
  }
  return {
    ...NONE,
    // Staff often leave the @ out.
    username: /^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(t) ? t : null,
    account: t.toLowerCase(),
    reference: reference.length >= 3 ? reference : null,
  };
}

function letters(t: string): string {
  return t.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}

/** LIKE's pattern for "contains", with its wildcards escaped. */
function contains(t: string): string {
  return `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function conditions(f: FindTerms): Prisma.Sql[] {
  const or: Prisma.Sql[] = [];
  if (f.caseId !== null) or.push(Prisma.sql`rc."id" = ${f.caseId}`);
  if (f.customerId !== null) or.push(Prisma.sql`rc."customerId" = ${f.customerId}`);
  if (f.username !== null) or.push(Prisma.sql`lower(u."username") = lower(${f.username})`);
  if (f.amount !== null) {
    or.push(
      f.amount.currency === null
        ? Prisma.sql`rc."amount" = ${f.amount.value}::numeric`
        : Prisma.sql`(rc."amount" = ${f.amount.value}::numeric AND rc."currency" = ${f.amount.currency})`,
    );
  }
  if (f.account !== null) or.push(Prisma.sql`lower(rc."accountId") LIKE ${contains(f.account)}`);
  if (f.reference !== null) {
    or.push(
      Prisma.sql`regexp_replace(lower(rc."serviceRef"), '[^[:alnum:]]', '', 'g') LIKE ${contains(f.reference)}`,
    );
  }
  return or;
}

/** The ids of one page of matches, newest first, and whether there are more. */
export async function findCases(
  ctx: ChatContext,
  text: string,
  page: number,
): Promise<{ ids: number[]; more: boolean }> {
  const or = conditions(findTerms(text));
  if (or.length === 0) return { ids: [], more: false };
  const rows = await ctx.tx.$queryRaw<{ id: number }[]>`
    SELECT rc."id" FROM "RefundCase" rc JOIN "User" u ON u."id" = rc."customerId"
     WHERE ${Prisma.join(or, " OR ")}
     ORDER BY rc."id" DESC
     LIMIT ${PAGE_SIZE + 1} OFFSET ${page * PAGE_SIZE}`;
  return { ids: rows.slice(0, PAGE_SIZE).map((r) => r.id), more: rows.length > PAGE_SIZE };
}

/** /find and its paging buttons: a page of matching cases, each with a button to open it. */
export async function showFind(ctx: ChatContext, text: string, page: number): Promise<void> {
  const { ids, more } = await findCases(ctx, text, page);
  if (ids.length === 0) {
    ctx.say(page === 0 ? "staff:find.none" : "staff:find.noMore", { text });
    return;
  }
  const cases = await ctx.tx.refundCase.findMany({
    where: { id: { in: ids } },
    orderBy: { id: "desc" },
    include: { assignee: { select: { id: true, firstName: true, username: true } } },
  });
  const lines = [ctx.t("staff:find.header", { text, page: page + 1 })];
  for (const c of cases) lines.push(caseLine(ctx, c));
  // What was searched for may be one customer's (their @username, e-mail, order): a page
  // of only their cases is about them, so erasing them finds it.
  const customers = new Set(cases.map((c) => c.customerId));
  const [only] = customers;
  ctx.out.push({
    kind: "message",
    chatId: ctx.chatId,
    text: lines.join("\n"),
    buttons: [
      ...openButtons(ctx, cases),
      ...pagingRow(ctx, page, more, (p) => ({ kind: "find", page: p, text })),
    ],
    ...(customers.size === 1 && only !== undefined ? { about: only } : {}),
  });
}
