import type { Db } from "../db";
import { findConnector } from "../connectors/registry";
import { buildRecordLinks } from "./build-record-links";
import { getRecord } from "./get-record";
import { labelMissingKeys } from "./label-missing-keys";
import { resolveVendorError, type ResolvedVendorError } from "./resolve-vendor-error";

/** A refused field traced to the mapped line and the value maps behind it, each with its mappings page. */
export type ErrorTrace = Omit<ResolvedVendorError, "maps"> & { maps: (ResolvedVendorError["maps"][number] & { href: string })[] };

const mappingHref = ({ flowId, kind, sourceKey }: { flowId: string; kind: string; sourceKey: string }) =>
  `/mappings?${new URLSearchParams({ flowId, kind, q: sourceKey })}`;

/**
 * A record with its trail, payloads and links to the document in both systems; null when unknown.
 * A failed record's vendor error is traced to the line and value map it names (the target connector
 * declares its error paths); a held record's dependencies carry the document number waited on.
 */
export const getRecordPage = async ({ db, id }: { db: Db; id: string }) => {
  const record = await getRecord({ db, id });
  if (!record) return null;
  const flow = await db.flow.findUnique({
    where: { id: record.flowId },
    select: { source: { select: { vendor: true, baseUrl: true, name: true } }, target: { select: { vendor: true, baseUrl: true, name: true } } },
  });
  const links = flow
    ? buildRecordLinks({
        objectType: record.objectType,
        sourceId: record.sourceId,
        naturalKey: record.naturalKey,
        targetRef: record.targetRef,
        targetId: record.targetId,
        sourceVendor: flow.source.vendor,
        sourceBaseUrl: flow.source.baseUrl,
        targetVendor: flow.target.vendor,
        targetBaseUrl: flow.target.baseUrl,
      })
    : [];

  let errorTrace: ErrorTrace[] = [];
  const errorPaths = flow ? findConnector(flow.target.vendor)?.errorPaths : undefined;
  if (record.status === "failed" && record.lastError && errorPaths) {
    const input = { message: record.lastError, errorPaths, mappedPayload: record.mappedPayload, sourcePayload: record.sourcePayload };
    const values = [...new Set(resolveVendorError({ ...input, valueMaps: [] }).flatMap((r) => (r.value === null ? [] : [r.value])))];
    const valueMaps = values.length
      ? await db.valueMap.findMany({
          where: { flowId: record.flowId, targetValue: { in: values } },
          select: { id: true, kind: true, sourceKey: true, sourceLabel: true, targetValue: true, targetLabel: true },
          take: 200,
        })
      : [];
    errorTrace = resolveVendorError({ ...input, valueMaps }).map((r) => ({ ...r, maps: r.maps.map((m) => ({ ...m, href: mappingHref({ flowId: record.flowId, ...m }) })) }));
  }
  const [missing] = await labelMissingKeys({ db, flowId: record.flowId, missing: [record.missing] });
  return {
    record: { ...record, missing: record.missing === null ? null : (missing ?? []) },
    links,
    errorTrace,
    source: flow?.source.name ?? null,
    target: flow?.target.name ?? null,
  };
};
export type RecordPage = NonNullable<Awaited<ReturnType<typeof getRecordPage>>>;
