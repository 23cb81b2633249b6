#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded here.
# Migrations run through `npm run db:migrate` (src/database/migrations/).
echo "The native Prisma schema engine is not installed; use 'npm run db:migrate' and 'npm run db:new-migration'." >&2
exit 1
