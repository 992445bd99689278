import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { getFlowKind } from "../flows/registry";

/** A value-map kind of a flow as the mapping page shows it (from the flow kind's definition). */
export type ValueMapKindView = { kind: string; label: string; sourceLabel: string; targetLabel: string; help: string | null };

/** The value-map kinds a flow's definition declares, in its order; NOT_FOUND for an unknown flow. */
export const listValueMapKinds = async ({ db, flowId }: { db: Db | Prisma.TransactionClient; flowId: string }): Promise<ValueMapKindView[]> => {
  const flow = await db.flow.findUnique({ where: { id: flowId }, select: { kind: true } });
  if (!flow) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
  return getFlowKind(flow.kind).valueMapKinds.map((k) => ({ kind: k.kind, label: k.label, sourceLabel: k.sourceLabel, targetLabel: k.targetLabel, help: k.help ?? null }));
};

