import { AppError } from "../errors";
import type { CalloutVerifier, FlowDefinition } from "../sync/ports";

/*
 * Flow kinds and callout verifiers by vendor, written by hand. Later integrations add their entry
 * here; tests may register an extra definition for the life of their process.
 */
const definitions = new Map<string, FlowDefinition>();
const verifiers = new Map<string, CalloutVerifier>();

export const registerFlowDefinition = (definition: FlowDefinition) => void definitions.set(definition.kind, definition);
export const registerCalloutVerifier = (vendor: string, verifier: CalloutVerifier) => void verifiers.set(vendor, verifier);

/** The definition of a flow kind; throws AppError UNKNOWN_FLOW_KIND for a kind this build does not know. */
export const getFlowDefinition = (kind: string): FlowDefinition => {
  const definition = definitions.get(kind);
  if (!definition) throw new AppError("UNKNOWN_FLOW_KIND", { message: `No flow definition for kind "${kind}"`, status: 500 });
  return definition;
};

export const getCalloutVerifier = (vendor: string): CalloutVerifier | undefined => verifiers.get(vendor);
