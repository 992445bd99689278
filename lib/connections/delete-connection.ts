import type { ConfigActor } from "../audit/config-change-schemas";
import { recordConfigChange } from "../audit/record-config-change";
import type { Db } from "../db";
import { AppError } from "../errors";
import { TokenCache } from "../http";
import { forgetVendorLimits } from "../http/forget-vendor-limits";

/**
 * Deletes a connection that no flow uses (its callouts go with it) and forgets its cached token and
 * its shared rate and concurrency state.
 * A connection a flow reads from or posts to is refused with AppError CONNECTION_IN_USE (409),
 * naming the flows.
 */
export const deleteConnection = async ({ db, connectionId, actor }: { db: Db; connectionId: string; actor?: ConfigActor }): Promise<{ id: string; name: string }> => {
  const deleted = await db.$transaction(async (tx) => {
    const row = await tx.connection.findUnique({
      where: { id: connectionId },
      select: { id: true, name: true, vendor: true, baseUrl: true, sourceFlows: { select: { name: true } }, targetFlows: { select: { name: true } } },
    });
    if (!row) throw new AppError("NOT_FOUND", { userMessage: "This connection does not exist (any more)." });
    const flows = [...new Set([...row.sourceFlows, ...row.targetFlows].map((f) => f.name))];
    if (flows.length > 0) {
      const names = flows.map((n) => `"${n}"`).join(", ");
      throw new AppError("CONNECTION_IN_USE", {
        status: 409,
        userMessage: `"${row.name}" cannot be deleted: the flow${flows.length > 1 ? "s" : ""} ${names} use${flows.length > 1 ? "" : "s"} it. Delete the flow or choose another connection for it first.`,
      });
    }
    await tx.connection.delete({ where: { id: connectionId } });
    await recordConfigChange(tx, { actor, entity: "connection", entityId: row.id, label: row.name, action: "deleted", before: { vendor: row.vendor, name: row.name, baseUrl: row.baseUrl } });
    return { id: row.id, name: row.name };
  });
  await TokenCache.forget(db, connectionId);
  await forgetVendorLimits({ db, key: connectionId });
  return deleted;
};
