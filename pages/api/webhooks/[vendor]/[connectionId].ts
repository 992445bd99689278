import type { NextApiRequest, NextApiResponse } from "next";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { answerCalloutRequest } from "@/lib/sync/answer-callout-request";

/** The raw bytes are verified: Next must not parse (or size-limit) the body itself. */
export const config = { api: { bodyParser: false } };

// /api/webhooks/[vendor]/[connectionId]: vendor callouts and webhooks (lib/sync/answer-callout-request.ts says why
// this one route is a Pages Router API route). Zuora callout templates keep their URL: /api/webhooks/zuora/<connectionId>.
// The bench's framework floor is served under the vendor name `bench-floor` only when BENCH_INTAKE_FLOOR is set
// (bench/scenarios/intake.ts); otherwise that name is an unknown vendor like any other (404).
const BENCH_FLOOR_VENDOR = "bench-floor";
let benchFloorServed: boolean | undefined;

const handler = (req: NextApiRequest, res: NextApiResponse) => {
  const vendor = String(req.query.vendor);
  const benchFloor = vendor === BENCH_FLOOR_VENDOR && (benchFloorServed ??= env().BENCH_INTAKE_FLOOR === true);
  return answerCalloutRequest({ db, req, res, vendor, connectionId: String(req.query.connectionId), benchFloor });
};

export default handler;
