import { z } from "zod";
import type { Db } from "../db";
import { dbExecute, dbRows, prepared } from "../db/pool";
import { listFlowKinds } from "../flows/registry";
import type { AnyFlowKind, FlowRow } from "../flows/types";
import { documentKey } from "./ingest-document";
import type { KnownLedger } from "./ledger-reader";
import { cacheValueMaps, NO_VALUE_MAP_VERSION, valueMapCacheOf } from "./value-map-cache";

/** How long a claim lasts without renewal; renewed every LEASE_RENEW_MS while its holder works. */
export const LEASE_MS = 60_000;
const LEASE_RENEW_MS = 10_000;
/** A target write starts only while the claim is known to last this much longer (a write is short). */
const WRITE_MARGIN_MS = 30_000;

/** What a claim returns: the record as the planner needs it, its flow and the per-process cache stamps. */
export type ClaimedRecord = {
  id: string;
  objectType: string;
  sourceId: string;
  naturalKey: string | null;
  sourcePayload: unknown;
  targetId: string | null;
  targetRef: string | null;
  mappedPayload: unknown;
  /** the source version this attempt plans from (a newer one may be ingested meanwhile, see settleRecord) */
  source: ClaimedSource;
  /** this attempt's number: the record's own counter, continued across replays */
  attempt: number;
  /** the target may hold this record's documents: look each up before creating it */
  lookUp: boolean;
  /**
   * What a first-pass poll page's batched look-up found at the target for this record's natural key
   * (empty: nothing) and how long ago it asked (ms, the database's clock), on the record's first
   * attempt only (no attempt of it has run since); else null.
   */
  targetLookUp: TargetLookUp | null;
  flow: FlowRow;
  sourceUpdatedAt: Date;
  targetUpdatedAt: Date;
  valueMapVersion: string | null;
  /** the posted records among those its flow kind's planner reads for it (FlowKind.ledgerReads), as the claim found them */
  ledger: KnownLedger;
};

export type ClaimedSource = { version: string | null; digest: string };

const targetLookUpSchema = z.object({ ageMs: z.number(), found: z.array(z.unknown()) });
export type TargetLookUp = z.output<typeof targetLookUpSchema>;

export type ClaimResult =
  | { claimed: true; record: ClaimedRecord }
  /** not pending (posted, held, ...), or gone (`current` null) */
  | { claimed: false; current: string | null }
  /** pending, but another worker's claim lives until `until` */
  | { claimed: false; current: "pending"; busyUntil: Date };

const flowJsonSchema = z.object({
  id: z.string(),
  kind: z.string(),
  sourceConnectionId: z.string(),
  targetConnectionId: z.string(),
  enabled: z.boolean(),
  schedule: z.string().nullable(),
  backfillFrom: z.string().nullable(),
  settings: z.unknown(),
  createdAt: z.string(),
});

const recordJsonSchema = z.object({
  id: z.string(),
  objectType: z.string(),
  sourceId: z.string(),
  naturalKey: z.string().nullable(),
  sourcePayload: z.unknown(),
  targetId: z.string().nullable(),
  targetRef: z.string().nullable(),
  mappedPayload: z.unknown(),
});

const claimRowSchema = z.object({
  recordId: z.string(),
  status: z.string(),
  leaseUntil: z.date().nullable(),
  lookUp: z.boolean(),
  targetLookUp: targetLookUpSchema.nullable(),
  attempt: z.number().int().nullable(),
  record: recordJsonSchema.nullable(),
  sourceVersion: z.string().nullable(),
  sourceDigest: z.string().nullable(),
  flow: flowJsonSchema.nullable(),
  sourceUpdatedAt: z.date().nullable(),
  targetUpdatedAt: z.date().nullable(),
  valueMapVersion: z.string().nullable(),
  /** the flow's value maps at `valueMapVersion`, on one row per flow, when the caller's cache holds another version */
  valueMaps: z.array(z.tuple([z.string(), z.string(), z.string()])).nullable(),
  /** posted records its planner reads: objectType, sourceId, targetId, targetRef, mappedPayload */
  ledger: z.array(z.tuple([z.string(), z.string(), z.string(), z.string().nullable(), z.unknown()])).nullable(),
});

const CLAIM = prepared(
  "mlc_claim_records",
  `WITH cur AS (
    SELECT id, status::text AS status, "leaseOwner", "leaseUntil", "lookUpFirst", attempts, "targetLookedUpAt", "targetFound" FROM "SyncRecord" WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE
  ), claimed AS (
    UPDATE "SyncRecord" r SET attempts = r.attempts + 1, "leaseOwner" = $2::text, "leaseUntil" = now() + make_interval(secs => $3::float8), "lookUpFirst" = true
    FROM cur
    WHERE r.id = cur.id AND cur.status = 'pending' AND (cur."leaseUntil" IS NULL OR cur."leaseUntil" <= now() OR cur."leaseOwner" = $2::text)
    RETURNING r.id, r."flowId", r."objectType", r."sourceId", r."naturalKey", r."sourcePayload", r."targetId", r."targetRef", r."mappedPayload", r.attempts,
      r."sourceVersion", md5(COALESCE(r."sourcePayload", 'null'::jsonb)::text) AS "sourceDigest"
  ), versions AS (
    SELECT DISTINCT ON (c."flowId") c.id, c."flowId", (SELECT v.version FROM "ValueMapVersion" v WHERE v."flowId" = c."flowId") AS version, $4::jsonb ->> c."flowId"::text AS held
    FROM claimed c ORDER BY c."flowId", c.id
  ), maps AS (
    SELECT vs.id, COALESCE((SELECT json_agg(json_build_array(m.kind, m."sourceKey", m."targetValue")) FROM "ValueMap" m WHERE m."flowId" = vs."flowId"), '[]'::json) AS maps
    FROM versions vs
    WHERE vs.held IS NULL OR (vs.version IS NOT NULL AND (vs.held = '${NO_VALUE_MAP_VERSION}' OR vs.version > vs.held::bigint))
  ), reads AS (
    -- one look-up by the unique (flowId, objectType, sourceId) per key (LIMIT 1 keeps the planner from
    -- turning it into a scan of the flow's records)
    SELECT c.id, json_agg(json_build_array(spec.read ->> 0, found.key #>> '{}', d."targetId", d."targetRef", d."mappedPayload")) AS ledger
    FROM claimed c
      JOIN "Flow" rf ON rf.id = c."flowId"
      CROSS JOIN LATERAL jsonb_array_elements($5::jsonb -> rf.kind -> c."objectType") AS spec(read)
      CROSS JOIN LATERAL jsonb_path_query(c."sourcePayload", (spec.read ->> 1)::jsonpath) AS found(key)
      CROSS JOIN LATERAL (
        SELECT s."targetId", s."targetRef", s."mappedPayload" FROM "SyncRecord" s
        WHERE s."flowId" = c."flowId" AND s."objectType" = spec.read ->> 0 AND s."sourceId" = found.key #>> '{}' LIMIT 1
      ) d
    WHERE d."targetId" IS NOT NULL
    GROUP BY c.id
  )
  SELECT cur.id AS "recordId", cur.status, cur."leaseUntil", cur."lookUpFirst" AS "lookUp",
    CASE WHEN cur.attempts = 0 AND cur."targetLookedUpAt" IS NOT NULL
      THEN json_build_object('ageMs', (EXTRACT(EPOCH FROM clock_timestamp() - cur."targetLookedUpAt") * 1000)::float8, 'found', cur."targetFound") END AS "targetLookUp",
    c.attempts AS attempt, c."sourceVersion", c."sourceDigest",
    CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.id, 'objectType', c."objectType", 'sourceId', c."sourceId", 'naturalKey', c."naturalKey",
      'sourcePayload', c."sourcePayload", 'targetId', c."targetId", 'targetRef', c."targetRef", 'mappedPayload', c."mappedPayload") END AS record,
    CASE WHEN f.id IS NULL THEN NULL ELSE json_build_object('id', f.id, 'kind', f.kind, 'sourceConnectionId', f."sourceConnectionId", 'targetConnectionId', f."targetConnectionId",
      'enabled', f.enabled, 'schedule', f.schedule, 'backfillFrom', f."backfillFrom", 'settings', f.settings, 'createdAt', f."createdAt") END AS flow,
    sc."updatedAt" AS "sourceUpdatedAt", tc."updatedAt" AS "targetUpdatedAt",
    (SELECT v.version::text FROM "ValueMapVersion" v WHERE v."flowId" = c."flowId") AS "valueMapVersion", vm.maps AS "valueMaps", lr.ledger
  FROM cur LEFT JOIN claimed c ON c.id = cur.id LEFT JOIN maps vm ON vm.id = cur.id LEFT JOIN reads lr ON lr.id = cur.id
    LEFT JOIN "Flow" f ON f.id = c."flowId"
    LEFT JOIN "Connection" sc ON sc.id = f."sourceConnectionId" LEFT JOIN "Connection" tc ON tc.id = f."targetConnectionId"`,
);

const toClaimResult = (row: z.output<typeof claimRowSchema> | undefined): ClaimResult => {
  if (!row) return { claimed: false, current: null };
  if (!row.record || !row.flow || row.attempt === null) {
    if (row.status === "pending" && row.leaseUntil) return { claimed: false, current: "pending", busyUntil: row.leaseUntil };
    return { claimed: false, current: row.status };
  }
  return {
    claimed: true,
    record: {
      ...row.record,
      source: { version: row.sourceVersion, digest: row.sourceDigest ?? "" },
      attempt: row.attempt,
      lookUp: row.lookUp,
      targetLookUp: row.targetLookUp,
      flow: { ...row.flow, backfillFrom: row.flow.backfillFrom === null ? null : new Date(row.flow.backfillFrom), createdAt: new Date(row.flow.createdAt) },
      sourceUpdatedAt: row.sourceUpdatedAt!,
      targetUpdatedAt: row.targetUpdatedAt!,
      valueMapVersion: row.valueMapVersion,
      ledger: new Map((row.ledger ?? []).map(([objectType, sourceId, targetId, targetRef, mappedPayload]) => [documentKey({ objectType, sourceId }), { targetId, targetRef, mappedPayload }])),
    },
  };
};

let readsOfKinds: { kinds: readonly AnyFlowKind[]; json: string } | undefined;

/** Every flow kind's ledgerReads as the claim's parameter: {kind: {objectType: [[objectType, path], ...]}} (made again when the kinds change). */
const ledgerReadsParam = (): string => {
  const kinds = listFlowKinds();
  if (readsOfKinds && readsOfKinds.kinds.length === kinds.length && readsOfKinds.kinds.every((k, i) => k === kinds[i])) return readsOfKinds.json;
  const byKind = Object.fromEntries(
    kinds.flatMap((k) => (k.ledgerReads ? [[k.kind, Object.fromEntries(Object.entries(k.ledgerReads).map(([type, reads]) => [type, reads.map((r) => [r.objectType, r.path])]))]] : [])),
  );
  readsOfKinds = { kinds, json: JSON.stringify(byKind) };
  return readsOfKinds.json;
};

/**
 * Claims pending records for one attempt each, in ONE statement that commits at once (rows locked in
 * id order): a record that is pending and unclaimed (or whose claim expired, or that `owner` holds
 * already: the same job's next run) gets the lease (owner, expiry), its attempt counted and
 * `lookUpFirst` set (this attempt may write; only its recorded outcome clears it), and comes back
 * with its flow, the connections' updatedAt and the version of the flow's value maps (what the
 * per-process caches are checked against); the maps themselves too, once per flow, when this
 * process's cache holds another version of them (they go into the cache, see value-map-cache.ts: no
 * statement of their own after every map a post writes), and the posted records its flow kind's
 * planner reads for it (FlowKind.ledgerReads, see createLedgerReader). `lookUp` is the flag as it was before this claim: an
 * earlier attempt that may have written (or died without an outcome, or lost its lease) left it set.
 * `targetLookUp`: a first-pass page's answer of what the target holds of the record, and its age, given
 * to the record's first attempt only (nothing of the record written since the page asked).
 * Answers one result per id.
 */
export const claimRecords = async ({ db, recordIds, owner }: { db: Db; recordIds: readonly string[]; owner: string }): Promise<Map<string, ClaimResult>> => {
  const cached = Object.fromEntries([...valueMapCacheOf(db)].map(([flowId, { version }]) => [flowId, version]));
  const rows = await dbRows(db, CLAIM, [recordIds, owner, LEASE_MS / 1000, JSON.stringify(cached), ledgerReadsParam()], claimRowSchema);
  for (const row of rows) {
    if (row.valueMaps && row.flow) cacheValueMaps(db, row.flow.id, row.valueMapVersion ?? NO_VALUE_MAP_VERSION, row.valueMaps);
  }
  const byId = new Map(rows.map((row) => [row.recordId, row]));
  return new Map(recordIds.map((id) => [id, toClaimResult(byId.get(id))]));
};

/** One record's claim (see claimRecords). */
export const claimRecord = async ({ db, recordId, owner }: { db: Db; recordId: string; owner: string }): Promise<ClaimResult> =>
  (await claimRecords({ db, recordIds: [recordId], owner })).get(recordId)!;

const RENEW_LEASE = prepared(
  "mlc_renew_lease",
  `UPDATE "SyncRecord" SET "leaseUntil" = now() + make_interval(secs => $3::float8)
   WHERE id = $1::uuid AND "leaseOwner" = $2::text AND status = 'pending'`,
);

export type Lease = {
  /** throws (retryable) unless the claim is known to last long enough for one more target write */
  assertWritable: () => void;
  stop: () => void;
};

/**
 * Keeps a claim alive while its holder calls vendors: renews it every LEASE_RENEW_MS (one short
 * UPDATE, only for attempts that run that long). The holder's own clock bounds how long the claim is
 * known to last (from when each renewal was SENT), so a holder cut off from the database stops
 * writing before anyone else may take the record over.
 */
export const holdLease = ({ db, recordId, owner, claimedAt }: { db: Db; recordId: string; owner: string; claimedAt: number }): Lease => {
  let validUntil = claimedAt + LEASE_MS;
  let lost = false;
  const timer = setInterval(() => {
    const sent = Date.now();
    dbExecute(db, RENEW_LEASE, [recordId, owner, LEASE_MS / 1000])
      .then((n) => {
        if (n === 0) lost = true;
        else validUntil = Math.max(validUntil, sent + LEASE_MS);
      })
      .catch(() => {
        // the database is away: the claim runs out on the clock above
      });
  }, LEASE_RENEW_MS);
  timer.unref();
  return {
    assertWritable: () => {
      if (lost || Date.now() > validUntil - WRITE_MARGIN_MS) {
        throw Object.assign(new Error("This attempt's claim on the record ran out before its next write; a later attempt finishes it"), { retryable: true });
      }
    },
    stop: () => clearInterval(timer),
  };
};
