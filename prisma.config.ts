import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma's CLI downloads its native schema engine before every command, and the
// download host is out of reach here. Pointing it at a stub stops the download;
// generate/validate/format never run that engine. A real engine, where one is
// installed, still wins (??=). Migrations are applied by src/database/migrations.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("prisma/no-schema-engine.sh");

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
