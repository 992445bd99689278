// The NetSuite target adapter: custom records (`customrecord_*`) written by external id. `PUT …/eid:<key>`
// creates or updates the record NetSuite matches on that external id, so a retried or replayed write
// never makes a second record and needs no look-up first.
import type { TargetDocumentRef, TargetPort } from "../ports";
import type { NetsuiteClient } from "./client";

/** A custom-record document: its record type and body fields (`custrecord_*`, `name` ...). */
export type NetsuiteCustomRecordInput = { recordType: string; fields: Record<string, unknown> };

const customRecordType = (entity: string) => {
  if (!/^customrecord_[a-z0-9_]+$/.test(entity)) throw Object.assign(new Error(`NetSuite target writes custom records only (customrecord_*), not ${entity}`), { retryable: false });
  return entity;
};

export const createNetsuiteTarget = (client: NetsuiteClient): TargetPort => ({
  findDocument: async ({ entity, naturalKey }): Promise<TargetDocumentRef | null> => {
    const id = await client.findIdByExternalId(customRecordType(entity), naturalKey);
    return id ? { targetId: id, targetRef: naturalKey } : null;
  },
  createDocument: async ({ entity, naturalKey, document }) => {
    const { id } = await client.upsertByExternalId(customRecordType(entity), naturalKey, (document as NetsuiteCustomRecordInput).fields);
    return { targetId: id, targetRef: naturalKey };
  },
  updateDocument: async ({ entity, naturalKey, document }) => {
    const { id } = await client.upsertByExternalId(customRecordType(entity), naturalKey, (document as NetsuiteCustomRecordInput).fields);
    return { targetId: id, targetRef: naturalKey };
  },
  upsertDocument: async ({ entity, naturalKey, document }) => {
    const { id, created } = await client.upsertByExternalId(customRecordType(entity), naturalKey, (document as NetsuiteCustomRecordInput).fields);
    return { targetId: id, targetRef: naturalKey, created };
  },
});
