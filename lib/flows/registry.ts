import { AppError } from "../errors";
import { flowKinds } from "./index";
import type { AnyFlowKind, FlowKind } from "./types";

/** Flow kinds added at run time by tests and plugins (registerFlowKind). */
const added = new Map<string, AnyFlowKind>();

/**
 * Adds a flow kind for the life of this process, for tests and plugins (a flow declared in a test
 * file). The build's own kinds are the explicit list in ./index.ts; nothing registers itself by import.
 */
export const registerFlowKind = <S, T, C>(definition: FlowKind<S, T, C>) => void added.set(definition.kind, definition as AnyFlowKind);

/** Every flow kind: the build's, then those registered at run time. */
export const listFlowKinds = (): readonly AnyFlowKind[] => [...flowKinds.filter((k) => !added.has(k.kind)), ...added.values()];

/** The flow kind, or undefined for a kind this build does not know. */
export const findFlowKind = (kind: string): AnyFlowKind | undefined => added.get(kind) ?? flowKinds.find((k) => k.kind === kind);

/** The flow kind; throws AppError UNKNOWN_FLOW_KIND for a kind this build does not know. */
export const getFlowKind = (kind: string): AnyFlowKind => {
  const definition = findFlowKind(kind);
  if (!definition) throw new AppError("UNKNOWN_FLOW_KIND", { message: `No flow definition for kind "${kind}"`, status: 500 });
  return definition;
};
