import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pgliteDriver, postgresDriver } from "../../src/database/driver.ts";
import { type DbProxy, startDbProxy } from "../faults/db-proxy.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/database.ts";

describe.each(databaseKinds)("the driver on %s", (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await db.close();
  });

  it("prepares a statement once, by a name made from its text, and runs it again by that name", async () => {
    const text = "SELECT $1::int + 1 AS n";
    expect(await db.driver(text, [1])).toEqual([{ n: 2 }]);
    expect(await db.driver(text, [41])).toEqual([{ n: 42 }]);
    // One statement at a time, so the pool hands out the same connection.
    const listed = await db.driver(
      "SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time",
      [],
    );
    const ours = listed.filter((row) => row.statement === text);
    expect(ours).toHaveLength(1);
    expect(ours[0]?.name).toMatch(/^hot_[0-9a-f]{16}$/);
  });

  it("rejects a failing statement with the database's error and goes on: the statement still runs, the session is sound", async () => {
    const text = "SELECT 10 / $1::int AS n";
    await expect(db.driver(text, [0])).rejects.toThrow(/division by zero/);
    expect(await db.driver(text, [5])).toEqual([{ n: 2 }]);
    await expect(db.driver("SELEC 1", [])).rejects.toThrow(/syntax error/);
    await expect(db.driver("SELEC 1", [])).rejects.toThrow(/syntax error/);
    expect(await db.prisma.user.count()).toBe(0);
  });

  it("returns ids as text and reads the same values either way", async () => {
    await db.prisma.user.create({ data: { id: 9_007_199_254_740_993n, language: "es" } });
    const rows = await db.driver('SELECT "id"::text AS id, "language" FROM "User"', []);
    expect(rows).toEqual([{ id: "9007199254740993", language: "es" }]);
  });

  it("runs a statement again after a migration changed what it returns", async () => {
    await db.driver("CREATE TABLE scratch (a int)", []);
    await db.driver("INSERT INTO scratch VALUES (1)", []);
    const text = "SELECT * FROM scratch";
    // At once, so that on PostgreSQL several pooled connections prepare it.
    const before = await Promise.all(Array.from({ length: 4 }, () => db.driver(text, [])));
    expect(before).toEqual(Array.from({ length: 4 }, () => [{ a: 1 }]));
    // As a rolling deploy's migration does under a process still running the old code.
    await db.driver("ALTER TABLE scratch ADD COLUMN b text DEFAULT 'new'", []);
    const after = await Promise.all(Array.from({ length: 4 }, () => db.driver(text, [])));
    expect(after).toEqual(Array.from({ length: 4 }, () => [{ a: 1, b: "new" }]));
  });

  it("prepares a statement again when the session has forgotten it", async () => {
    const text = "SELECT $1::int * 2 AS n";
    expect(await db.driver(text, [2])).toEqual([{ n: 4 }]);
    // The session forgets (a pooler's reset does this). One statement at a time,
    // so on PostgreSQL the pool hands out the same connection.
    await db.driver("DEALLOCATE ALL", []);
    expect(await db.driver(text, [21])).toEqual([{ n: 42 }]);
  });
});

describe("the driver on the embedded database", () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase("pglite");
  });
  afterEach(async () => {
    await db.close();
  });

  it("waits for PGlite to start when called before it has", async () => {
    const pglite = new PGlite();
    try {
      // Called at once: PGlite's start-up takes the locks the driver takes.
      expect(await pgliteDriver(pglite)("SELECT $1::int AS n", [7])).toEqual([{ n: 7 }]);
    } finally {
      await pglite.close();
    }
  });

  it("runs a statement the session already holds under its name, prepared by another driver", async () => {
    const pglite = await PGlite.create();
    try {
      const text = "SELECT $1::int - 1 AS n";
      expect(await pgliteDriver(pglite)(text, [3])).toEqual([{ n: 2 }]);
      expect(await pgliteDriver(pglite)(text, [43])).toEqual([{ n: 42 }]);
    } finally {
      await pglite.close();
    }
  });

  it("never runs inside a transaction Prisma has open on the one session: it waits for its end", async () => {
    let inserted!: () => void;
    const insertedNow = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    let rollBack!: () => void;
    const rolledBackWhenAsked = new Promise<void>((resolve) => {
      rollBack = resolve;
    });
    const transaction = db.prisma.$transaction(async (tx) => {
      await tx.user.create({ data: { id: 7n } });
      inserted();
      await rolledBackWhenAsked;
      throw new Error("rolled back on purpose");
    });
    await insertedNow;
    // Inside the transaction it would count the uncommitted row.
    const counted = db.driver('SELECT count(*)::int AS n FROM "User"', []);
    rollBack();
    await expect(transaction).rejects.toThrow("rolled back on purpose");
    expect(await counted).toEqual([{ n: 0 }]);
  });
});

describe.runIf(databaseKinds.includes("postgres"))("the driver on PostgreSQL", () => {
  let db: TestDatabase;
  let proxy: DbProxy;
  let pool: pg.Pool;
  beforeEach(async () => {
    db = await createTestDatabase("postgres");
    const url = new URL(String(db.url));
    proxy = await startDbProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  });
  afterEach(async () => {
    await proxy.close();
    await pool.end();
    await db.close();
  });

  it("rejects a call whose connection is lost mid-statement, and runs the next", async () => {
    const driver = postgresDriver(pool);
    const cut = proxy.cutAfterStatement("pg_sleep");
    const sleeping = driver("SELECT pg_sleep(0.5)", []);
    await cut;
    // Unheard, the lost connection's error event would fail the run as an uncaught error.
    await expect(sleeping).rejects.toThrow(/Connection terminated/);
    proxy.restore();
    expect(await driver("SELECT $1::int + 1 AS n", [1])).toEqual([{ n: 2 }]);
  });
});
