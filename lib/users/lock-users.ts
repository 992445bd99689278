import type { Prisma } from "@/lib/db";

/** Arbitrary constant shared by every change that must keep "at least one admin" true. */
const USERS_LOCK = 7_340_021;

/**
 * Serialises user-set changes (first admin, role changes, removals) across processes for the rest
 * of transaction `tx`, so two admins demoting each other at once cannot leave no admin.
 */
export const lockUsers = async (tx: Prisma.TransactionClient): Promise<void> => {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${USERS_LOCK}::bigint)`;
};
