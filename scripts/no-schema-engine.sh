#!/bin/sh
# Stands in for Prisma's native schema engine, which is a download air-gapped machines cannot make.
# `prisma generate` needs no engine; migrations are applied by scripts/migrate.ts instead.
echo "ml-connector: the Prisma schema engine is not installed; use 'npm run db:migrate'" >&2
exit 1
