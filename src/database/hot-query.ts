import type { DriverQuery } from "./driver.ts";
import type { Prisma } from "./generated/client.ts";
import type { Tx } from "./open.ts";

/**
 * Runs a statement of the hot path (the chat's read and write, the outbox's
 * claim): through Prisma's client (in a transaction, always), or straight
 * through the driver. Their columns are cast so both return the same (ids as
 * text, times as epoch milliseconds).
 */
export type HotQuery = <T>(q: Prisma.Sql) => Promise<T[]>;

export function viaPrisma(db: Tx): HotQuery {
  return <T>(q: Prisma.Sql) => db.$queryRaw<T[]>(q);
}

export function viaDriver(driver: DriverQuery): HotQuery {
  return async <T>(q: Prisma.Sql) => (await driver(q.text, q.values)) as T[];
}
