// The database baseline: one-row read and write through Prisma on each database.
import { createTestDatabase, databaseKinds } from "../support/database.ts";
import { type BenchSection, ms, percentiles, sample } from "./report.ts";

const N = 1000;

export async function bench(): Promise<BenchSection[]> {
  const rows: BenchSection["rows"] = [];
  if (!databaseKinds.includes("postgres")) {
    process.stderr.write(
      "TEST_DATABASE_URL is not set: PostgreSQL is left out of the database benchmark.\n",
    );
  }
  for (const kind of databaseKinds) {
    const db = await createTestDatabase(kind);
    try {
      await db.prisma.user.createMany({
        data: Array.from({ length: N }, (_, i) => ({ id: BigInt(i + 1) })),
      });
      // Warm up the connection and the query compiler.
      await sample(100, (i) => db.prisma.user.findUnique({ where: { id: BigInt((i % N) + 1) } }));
      const reads = percentiles(
        await sample(N, (i) => db.prisma.user.findUnique({ where: { id: BigInt(i + 1) } })),
      );
      const writes = percentiles(
        await sample(N, (i) =>
          db.prisma.user.update({
            where: { id: BigInt(i + 1) },
            data: { language: i % 2 ? "ru" : "es" },
          }),
        ),
      );
      rows.push(
        {
          database: kind,
          operation: "findUnique by id",
          n: N,
          "p50 ms": ms(reads.p50),
          "p99 ms": ms(reads.p99),
        },
        {
          database: kind,
          operation: "update one row",
          n: N,
          "p50 ms": ms(writes.p50),
          "p99 ms": ms(writes.p99),
        },
      );
    } finally {
      await db.close();
    }
  }
  return [{ title: "Database: one row through Prisma", rows }];
}
