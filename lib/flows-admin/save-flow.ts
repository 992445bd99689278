import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { ZUORA_ACUMATICA } from "../flows/zuora-acumatica/definition";
import { zuoraAcumaticaSettingsSchema } from "../flows/zuora-acumatica/mapping";
import type { ParsedFlowForm } from "./schemas";
import { validateSchedule } from "./validate-schedule";

const isUniqueViolation = (err: unknown) => typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";

/**
 * Creates (disabled) or updates a Zuora -> Acumatica flow from the form. The source must be a
 * Zuora connection and the target an Acumatica one; settings the form does not show (poll page
 * sizes) are kept; the schedule is checked with the sweep's own cron parser. Returns the flow id.
 */
export const saveFlow = async ({ db, form }: { db: Db; form: ParsedFlowForm }): Promise<{ id: string }> => {
  validateSchedule(form.schedule);
  const [source, target] = await Promise.all([
    db.connection.findUnique({ where: { id: form.sourceConnectionId }, select: { vendor: true, name: true } }),
    db.connection.findUnique({ where: { id: form.targetConnectionId }, select: { vendor: true, name: true } }),
  ]);
  if (source?.vendor !== "zuora") throw new AppError("INVALID_INPUT", { userMessage: "sourceConnectionId: Choose a Zuora connection as the source." });
  if (target?.vendor !== "acumatica") throw new AppError("INVALID_INPUT", { userMessage: "targetConnectionId: Choose an Acumatica connection as the target." });

  const existing = form.id ? await db.flow.findUnique({ where: { id: form.id }, select: { settings: true, kind: true } }) : null;
  if (form.id && !existing) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
  const kept = existing?.settings && typeof existing.settings === "object" && !Array.isArray(existing.settings) ? existing.settings : {};
  const merged: Record<string, unknown> = { ...kept, ...form.settings };
  if (form.settings.customerClass === undefined) delete merged.customerClass;
  const settings = zuoraAcumaticaSettingsSchema.parse(merged) as Prisma.InputJsonValue;

  const data = {
    name: form.name,
    sourceConnectionId: form.sourceConnectionId,
    targetConnectionId: form.targetConnectionId,
    schedule: form.schedule,
    backfillFrom: form.backfillFrom ? new Date(`${form.backfillFrom}T00:00:00Z`) : null,
    settings,
  };
  try {
    if (form.id) {
      await db.flow.update({ where: { id: form.id }, data });
      return { id: form.id };
    }
    const flow = await db.flow.create({ data: { ...data, kind: ZUORA_ACUMATICA, enabled: false }, select: { id: true } });
    return flow;
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", { userMessage: `A flow named "${form.name}" already exists.` });
    throw err;
  }
};
