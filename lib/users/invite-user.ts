import type { Db } from "@/lib/db";
import { createUser, type CreatedUser } from "./create-user";
import { generatePassword } from "./generate-password";
import { inviteUserInputSchema, type InviteUserInput } from "./schemas";

export type InvitedUser = { user: CreatedUser; initialPassword: string };

/**
 * Creates a user with a generated initial password, returned once to show to the inviting admin
 * (only its hash is stored). Role checks are the caller's job (see lib/actions/invite-user.ts).
 */
export const inviteUser = async ({ db, ...input }: InviteUserInput & { db: Db }): Promise<InvitedUser> => {
  const { email, role } = inviteUserInputSchema.parse(input);
  const initialPassword = generatePassword();
  const user = await createUser({ db, email, role, password: initialPassword });
  return { user, initialPassword };
};
