import Link from "next/link";
import { VendorText } from "@/components/ui/vendor-text";

/** A missing key as the records API returns it (lib/records/label-missing-keys.ts). */
export type MissingKeyView = { kind: string; sourceKey: string; label?: string; dependency?: boolean; recordId?: string };

const mappingHref = (flowId: string, m: MissingKeyView) => `/mappings?${new URLSearchParams({ flowId, kind: m.kind, q: m.sourceKey })}`;

/**
 * What a held record waits on, each linked to where it is resolved: a mapping (its kind and source
 * value, opening the mappings page on it) or another document to post first (by its number, opening
 * that record when it is in the ledger).
 */
export const MissingKeys = ({ flowId, missing, compact = false }: { flowId: string; missing: readonly MissingKeyView[]; compact?: boolean }) => {
  const mappings = missing.filter((m) => !m.dependency);
  const documents = missing.filter((m) => m.dependency);
  const shown = compact ? 3 : Infinity;
  return (
    <span data-testid="missing-keys">
      {mappings.length > 0 ? (
        <span>
          {compact ? "Waits for mapping " : "Held until these mappings exist: "}
          {mappings.slice(0, shown).map((m, i) => (
            <span key={`${m.kind}:${m.sourceKey}`}>
              {i > 0 ? ", " : ""}
              <Link className="font-medium underline" href={mappingHref(flowId, m)}>
                {m.kind} “<VendorText>{m.sourceKey}</VendorText>”
              </Link>
              {!compact && m.label && m.label !== m.sourceKey ? <span className="text-zinc-600"> ({m.label})</span> : null}
            </span>
          ))}
          {mappings.length > shown ? ` and ${mappings.length - shown} more` : ""}
          {compact ? "" : "."}
        </span>
      ) : null}
      {documents.length > 0 ? (
        <span>
          {mappings.length > 0 ? " " : ""}
          {compact ? "Waits for " : "Waiting for these documents to post first: "}
          {documents.slice(0, shown).map((m, i) => {
            const text = (
              <>
                {m.kind} <VendorText>{m.label ?? m.sourceKey}</VendorText>
              </>
            );
            return (
              <span key={`${m.kind}:${m.sourceKey}`}>
                {i > 0 ? ", " : ""}
                {m.recordId ? <Link className="font-medium underline" href={`/records/${m.recordId}`}>{text}</Link> : <span className="font-medium">{text}</span>}
              </span>
            );
          })}
          {documents.length > shown ? ` and ${documents.length - shown} more` : ""}
          {compact ? "" : "."}
        </span>
      ) : null}
    </span>
  );
};
