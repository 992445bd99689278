import type { NextApiRequest, NextApiResponse } from "next";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { answerCalloutRequest } from "@/lib/sync/answer-callout-request";

/** The raw bytes are verified: Next must not parse (or size-limit) the body itself. */
export const config = { api: { bodyParser: false } };

// /api/webhooks/[vendor]/[connectionId]: vendor callouts and webhooks (lib/sync/answer-callout-request.ts says why
// this one route is a Pages Router API route). Zuora callout templates keep their URL: /api/webhooks/zuora/<connectionId>.
// BENCH_INTAKE_FLOOR (bench only) also serves the route's framework floor (answerCalloutRequest's `benchFloor`).
let benchFloor: boolean | undefined;

const handler = (req: NextApiRequest, res: NextApiResponse) =>
  answerCalloutRequest({
    db,
    req,
    res,
    vendor: String(req.query.vendor),
    connectionId: String(req.query.connectionId),
    benchFloor: (benchFloor ??= env().BENCH_INTAKE_FLOOR === true),
  });

export default handler;
