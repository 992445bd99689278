import type { Prisma } from "../db";
import type { ConfigAction, ConfigActor, ConfigEntity } from "./config-change-schemas";
import { diffConfigFields, type ConfigFields } from "./diff-config-fields";

type ChangeWriter = Pick<Prisma.TransactionClient, "configChange">;

/**
 * Appends one entry to the configuration change log. Call it with the transaction that saves or
 * deletes the thing, so the log and the configuration never disagree. An update that changes
 * nothing is not logged.
 */
export const recordConfigChange = async (
  tx: ChangeWriter,
  {
    actor,
    entity,
    entityId,
    label,
    action,
    before = null,
    after = null,
    changedSecrets,
    flowId,
  }: {
    actor: ConfigActor | undefined;
    entity: ConfigEntity;
    entityId: string;
    /** what the thing is called, e.g. `gl-account "API Calls"`, a connection's name, an e-mail */
    label: string;
    action: ConfigAction;
    /** the fields as they were (null when created) and as they are (null when deleted) */
    before?: ConfigFields | null;
    after?: ConfigFields | null;
    /** secret fields whose value changed (their values are not passed here) */
    changedSecrets?: readonly string[];
    flowId?: string | null;
  },
) => {
  const changes = diffConfigFields({ before, after, changedSecrets });
  if (action === "updated" && changes.length === 0) return;
  await tx.configChange.create({
    data: {
      actorUserId: actor?.id ?? null,
      actorEmail: actor?.email ?? null,
      entity,
      entityId,
      entityLabel: label.slice(0, 300),
      action,
      flowId: flowId ?? null,
      changes: changes as Prisma.InputJsonValue,
    },
  });
};
