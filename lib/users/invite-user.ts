import type { ConfigActor } from "@/lib/audit/config-change-schemas";
import { recordConfigChange } from "@/lib/audit/record-config-change";
import type { Db } from "@/lib/db";
import { createUser, type CreatedUser } from "./create-user";
import { generatePassword } from "./generate-password";
import { inviteUserInputSchema, type InviteUserInput } from "./schemas";

export type InvitedUser = { user: CreatedUser; initialPassword: string };

/**
 * Creates a user with a generated initial password, returned once to show to the inviting admin
 * (only its hash is stored). Role checks are the caller's job (see lib/actions/invite-user.ts).
 */
export const inviteUser = async ({ db, actor, ...input }: InviteUserInput & { db: Db; actor?: ConfigActor }): Promise<InvitedUser> => {
  const { email, role } = inviteUserInputSchema.parse(input);
  const initialPassword = generatePassword();
  const user = await db.$transaction(async (tx) => {
    const created = await createUser({ db, tx, email, role, password: initialPassword });
    await recordConfigChange(tx, { actor, entity: "user", entityId: created.id, label: created.email, action: "created", after: { email: created.email, role: created.role }, changedSecrets: ["password"] });
    return created;
  });
  return { user, initialPassword };
};
