import { AppError } from "../errors";
import type { ValueMapKindView } from "./list-value-map-kinds";

/** The declared kind, or AppError INVALID_INPUT naming the kinds the flow has. */
export const requireValueMapKind = (kinds: ValueMapKindView[], kind: string): ValueMapKindView => {
  const found = kinds.find((k) => k.kind === kind);
  if (!found) throw new AppError("INVALID_INPUT", { userMessage: `kind "${kind}" is not one of ${kinds.map((k) => k.kind).join(", ")}.`, fields: { kind: "This flow has no such mappings." } });
  return found;
};
