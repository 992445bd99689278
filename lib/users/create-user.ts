import { hashPassword } from "@/lib/auth/hash-password";
import type { Db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createUserInputSchema, type CreateUserInput, type UserRole } from "./schemas";

export type CreatedUser = { id: string; email: string; name: string | null; role: UserRole; createdAt: Date };

const isUniqueViolation = (err: unknown) =>
  typeof err === "object" && err !== null && "code" in err && (err as { code: unknown }).code === "P2002";

/**
 * Creates a user after validating the input (throws ZodError: e-mail format, password of at
 * least 12 characters, role admin|viewer). The e-mail is stored lower-cased. Throws
 * AppError("CONFLICT") when the address is taken.
 */
export const createUser = async ({
  db,
  tx,
  ...input
}: CreateUserInput & { db: Db; tx?: Prisma.TransactionClient }): Promise<CreatedUser> => {
  const { email, password, role, name } = createUserInputSchema.parse(input);
  const passwordHash = await hashPassword(password);
  try {
    return await (tx ?? db).user.create({
      data: { email, passwordHash, role, name },
      select: { id: true, email: true, name: true, role: true, createdAt: true },
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError("CONFLICT", { userMessage: `A user with the e-mail ${email} already exists.` });
    }
    throw err;
  }
};
