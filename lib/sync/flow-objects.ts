import type { AnyFlowKind, SyncMode } from "../flows/types";

/** Object types a flow polls, in dependency order (types that come from events are not polled). */
export const polledObjectTypes = (definition: AnyFlowKind): string[] => definition.objects.filter((o) => !o.fromEvents).map((o) => o.type);

/** The sync mode of an object type of a flow (`document` for a type it does not declare). */
export const syncModeOf = (definition: AnyFlowKind, objectType: string): SyncMode => definition.objects.find((o) => o.type === objectType)?.mode ?? "document";

/** The flow's object types an inbound event of `eventObjectType` feeds. */
export const eventObjectTypes = (definition: AnyFlowKind, eventObjectType: string): { type: string; fromEvents: boolean }[] =>
  definition.objects
    .filter((o) => (o.events ? o.events.includes(eventObjectType) : o.type === eventObjectType))
    .map((o) => ({ type: o.type, fromEvents: o.fromEvents === true }));
