// `npm run db:new-migration <name>`: writes prisma/migrations/<stamp>_<name>/migration.sql
// from the change in prisma/schema.prisma, without Prisma's native engine.

import path from "node:path";
import { MIGRATIONS_DIR, SCHEMA_PATH } from "../database/migrations/index.ts";
import { createMigration } from "../database/migrations/new-migration.ts";

// The Wasm schema engine is loaded as a Wasm ES module, which Node flags as
// experimental on every run; keep every other warning.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name === "ExperimentalWarning" && /WebAssembly/.test(warning.message)) return;
  process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

const name = process.argv[2];
if (!name || name.startsWith("-")) {
  process.stderr.write("Usage: npm run db:new-migration <name>   (e.g. add_case_notes)\n");
  process.exit(2);
}

try {
  const result = await createMigration({
    migrationsDir: MIGRATIONS_DIR,
    schemaPath: SCHEMA_PATH,
    name,
  });
  if (!result.written) {
    process.stdout.write(
      "No changes: prisma/schema.prisma matches the migrations. Nothing written.\n",
    );
  } else {
    process.stdout.write(`Wrote ${path.relative(process.cwd(), result.file)}:\n\n${result.sql}\n`);
    process.stdout.write(
      "Review it, then apply it with `npm run db:migrate` (or start the program).\n",
    );
  }
} catch (e) {
  process.stderr.write(`db:new-migration failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
