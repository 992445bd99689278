import type { ConfigActor } from "../audit/config-change-schemas";
import { recordConfigChange } from "../audit/record-config-change";
import { applyFieldValues } from "../connections/form-values";
import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { findFlowKind } from "../flows/registry";
import { toFlowKindForm } from "./list-flow-kind-forms";
import type { ParsedFlowForm } from "./schemas";
import { validateSchedule } from "./validate-schedule";

const isUniqueViolation = (err: unknown) => typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * Creates (disabled) or updates a flow from the form, checked against its kind's declaration: the
 * source connection is of the kind's source system and the target of its target system; the settings
 * are the declared fields (required ones filled), merged with the stored ones the form does not show
 * and validated with the kind's settings schema; the schedule is checked with the sweep's own cron
 * parser. Problems are AppError INVALID_INPUT with `fields` by path. Returns the flow id.
 */
export const saveFlow = async ({ db, form, actor }: { db: Db; form: ParsedFlowForm; actor?: ConfigActor }): Promise<{ id: string }> => {
  const existing = form.id ? await db.flow.findUnique({ where: { id: form.id }, select: { settings: true, kind: true } }) : null;
  if (form.id && !existing) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
  if (existing && existing.kind !== form.kind) throw new AppError("INVALID_INPUT", { userMessage: "A flow keeps its kind; create a new flow instead.", fields: { kind: "A flow keeps its kind." } });
  const definition = findFlowKind(form.kind);
  if (!definition) throw new AppError("INVALID_INPUT", { userMessage: `There is no flow kind "${form.kind}".`, fields: { kind: "Choose one of the kinds listed." } });
  const declared = toFlowKindForm(definition);

  const errors: Record<string, string> = {};
  try {
    validateSchedule(form.schedule);
  } catch (err) {
    if (err instanceof AppError) errors.schedule = err.userMessage.replace(/^schedule: /, "");
  }
  const [source, target] = await Promise.all([
    db.connection.findUnique({ where: { id: form.sourceConnectionId }, select: { vendor: true } }),
    db.connection.findUnique({ where: { id: form.targetConnectionId }, select: { vendor: true } }),
  ]);
  if (!source || source.vendor !== definition.source) errors.sourceConnectionId = `Choose one of your ${declared.source.label} connections as the source.`;
  if (!target || target.vendor !== definition.target) errors.targetConnectionId = `Choose one of your ${declared.target.label} connections as the target.`;

  const applied = applyFieldValues({ fields: definition.settings.fields, values: form.settings, base: asRecord(existing?.settings), prefix: "settings" });
  Object.assign(errors, applied.errors);
  let settings: unknown = applied.settings;
  if (Object.keys(applied.errors).length === 0) {
    const parsed = definition.settings.schema.safeParse(applied.settings);
    if (parsed.success) settings = parsed.data;
    else for (const issue of [...parsed.error.issues].reverse()) errors[`settings.${issue.path.map(String).join(".")}`] = issue.message;
  }
  if (Object.keys(errors).length > 0) throw new AppError("INVALID_INPUT", { userMessage: Object.entries(errors).map(([k, v]) => (k === "schedule" ? `schedule: ${v}` : v))[0]!, fields: errors });

  const data = {
    name: form.name,
    sourceConnectionId: form.sourceConnectionId,
    targetConnectionId: form.targetConnectionId,
    schedule: form.schedule,
    backfillFrom: form.backfillFrom ? new Date(`${form.backfillFrom}T00:00:00Z`) : null,
    settings: settings as Prisma.InputJsonValue,
  };
  try {
    const fields = { name: true, sourceConnectionId: true, targetConnectionId: true, schedule: true, backfillFrom: true, settings: true } as const;
    return await db.$transaction(async (tx) => {
      if (form.id) {
        const before = await tx.flow.findUnique({ where: { id: form.id }, select: fields });
        const after = await tx.flow.update({ where: { id: form.id }, data, select: fields });
        await recordConfigChange(tx, { actor, entity: "flow", entityId: form.id, label: after.name, action: "updated", before: before as Record<string, unknown> | null, after, flowId: form.id });
        return { id: form.id };
      }
      const { id, ...after } = await tx.flow.create({ data: { ...data, kind: definition.kind, enabled: false }, select: { id: true, ...fields } });
      await recordConfigChange(tx, { actor, entity: "flow", entityId: id, label: after.name, action: "created", after: { kind: definition.kind, ...after }, flowId: id });
      return { id };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", { userMessage: `A flow named "${form.name}" already exists.`, fields: { name: "Another flow has this name." } });
    throw err;
  }
};
