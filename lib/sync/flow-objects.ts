import type { AnyFlowKind, SyncMode } from "../flows/types";

/** Object types a flow polls, in dependency order (types that come from events are not polled). */
export const polledObjectTypes = (definition: AnyFlowKind): string[] => definition.objects.filter((o) => !o.fromEvents).map((o) => o.type);

/** The sync mode of an object type of a flow (`document` for a type it does not declare). */
export const syncModeOf = (definition: AnyFlowKind, objectType: string): SyncMode => definition.objects.find((o) => o.type === objectType)?.mode ?? "document";

/** Whether records of `objectType` look each target document up before creating it even when no attempt may have written it (see FlowObject.lookUp). */
export const alwaysLooksUp = (definition: AnyFlowKind, objectType: string): boolean => {
  const object = definition.objects.find((o) => o.type === objectType);
  return (object?.lookUp ?? (object?.mode === "master" ? "always" : "when-unsure")) === "always";
};

/** The flow's object types an inbound event of `eventObjectType` feeds. */
export const eventObjectTypes = (definition: AnyFlowKind, eventObjectType: string): { type: string; fromEvents: boolean }[] =>
  definition.objects
    .filter((o) => (o.events ? o.events.includes(eventObjectType) : o.type === eventObjectType))
    .map((o) => ({ type: o.type, fromEvents: o.fromEvents === true }));

/**
 * The target entity whose documents a first-pass poll page of `objectType` looks up together (see
 * FlowObject.targetEntity), or undefined: the type declares none, or it always looks up anyway.
 */
export const batchLookUpEntity = (definition: AnyFlowKind, objectType: string): string | undefined =>
  alwaysLooksUp(definition, objectType) ? undefined : definition.objects.find((o) => o.type === objectType)?.targetEntity;
