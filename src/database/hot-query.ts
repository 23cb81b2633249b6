import type { DriverQuery } from "./driver.ts";
import type { Prisma } from "./generated/client.ts";
import type { Tx } from "./open.ts";

/** A hot statement with one run's values, `$1`… in its text. */
export interface Bound {
  text: string;
  values: readonly unknown[];
}

/**
 * Runs a statement of the hot path (the chat's read and write, the outbox's
 * claim): through Prisma's client (in a transaction, always), or straight
 * through the driver. Their columns are cast so both return the same (ids as
 * text, times as epoch milliseconds).
 */
export type HotQuery = <T>(q: Bound) => Promise<T[]>;

export function viaPrisma(db: Tx): HotQuery {
  return <T>(q: Bound) => db.$queryRawUnsafe<T[]>(q.text, ...q.values);
}

export function viaDriver(driver: DriverQuery): HotQuery {
  return async <T>(q: Bound) => (await driver(q.text, q.values)) as T[];
}

const SLOT = Symbol("a hot statement's value");

/** Where a value goes in a hot statement's template: bound by its key at each run. */
interface Slot<K extends string> {
  readonly [SLOT]: K;
}

function isSlot<K extends string>(value: unknown): value is Slot<K> {
  return typeof value === "object" && value !== null && SLOT in value;
}

/**
 * A hot statement's text, built once from its template, whose values are
 * slots named by key. Built at every run, the text (several kilobytes) cost
 * more than its values, and the driver, which names a prepared statement by
 * its text (src/database/driver.ts), hashed it anew: about 9 µs a statement.
 * The same text each run is the same string, found at once.
 */
export class HotStatement<K extends string> {
  readonly text: string;
  readonly #keys: readonly K[];

  constructor(template: (slot: (key: K) => Slot<K>) => Prisma.Sql) {
    const sql = template((key) => ({ [SLOT]: key }));
    this.text = sql.text;
    this.#keys = sql.values.map((value) => {
      if (!isSlot<K>(value)) throw new TypeError("a hot statement's values are its slots");
      return value[SLOT];
    });
  }

  /** The statement with this run's values; a missing one throws rather than run as NULL. */
  bind(values: Readonly<Record<K, unknown>>): Bound {
    return {
      text: this.text,
      values: this.#keys.map((key) => {
        const value = values[key];
        if (value === undefined) throw new TypeError(`no value for the slot ${key}`);
        return value;
      }),
    };
  }
}
