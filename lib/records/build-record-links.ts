import { findConnector } from "../connectors/registry";
import type { DocumentLink } from "../connectors/types";

/** A link to a record's document in one system's own UI; `bestEffort` links are guesses at that system's URL scheme. */
export type RecordLink = DocumentLink & { /** the connector's label */ system: string };

type Side = { vendor: string; baseUrl: string; id: string | null; ref: string | null };

/** The document's link in one system, as its connector builds it; none when the connector has no scheme for it. */
const linkOf = (objectType: string, { vendor, baseUrl, id, ref }: Side): RecordLink | null => {
  const connector = findConnector(vendor);
  if (!connector?.documentLink) return null;
  try {
    const link = connector.documentLink({ objectType, id, ref, baseUrl });
    return link ? { ...link, system: connector.label } : null;
  } catch {
    // a link is a convenience: a connector that cannot build one leaves the record page as it is
    return null;
  }
};

/**
 * Links to a record's document in both systems, source first: each connector knows its own UI's
 * addresses (`Connector.documentLink`). The source document is known by its source id and number, the
 * target document by the id and reference the target returned when it was written.
 */
export const buildRecordLinks = ({
  objectType,
  sourceId,
  naturalKey,
  targetRef,
  targetId,
  sourceVendor,
  sourceBaseUrl,
  targetVendor,
  targetBaseUrl,
}: {
  objectType: string;
  sourceId: string;
  naturalKey: string | null;
  targetRef: string | null;
  targetId: string | null;
  sourceVendor: string;
  sourceBaseUrl: string;
  targetVendor: string;
  targetBaseUrl: string;
}): RecordLink[] =>
  [
    linkOf(objectType, { vendor: sourceVendor, baseUrl: sourceBaseUrl, id: sourceId, ref: naturalKey }),
    linkOf(objectType, { vendor: targetVendor, baseUrl: targetBaseUrl, id: targetId, ref: targetRef }),
  ].filter((link): link is RecordLink => link !== null);
