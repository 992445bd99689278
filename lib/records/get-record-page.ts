import type { Db } from "../db";
import { buildRecordLinks } from "./build-record-links";
import { getRecord } from "./get-record";

/** A record with its trail, payloads and links to the document in both systems; null when unknown. */
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
        targetRef: record.targetRef,
        targetId: record.targetId,
        sourceVendor: flow.source.vendor,
        sourceBaseUrl: flow.source.baseUrl,
        targetVendor: flow.target.vendor,
        targetBaseUrl: flow.target.baseUrl,
      })
    : [];
  return { record, links, source: flow?.source.name ?? null, target: flow?.target.name ?? null };
};
export type RecordPage = NonNullable<Awaited<ReturnType<typeof getRecordPage>>>;
