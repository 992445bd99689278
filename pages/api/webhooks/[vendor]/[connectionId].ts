import type { NextApiRequest, NextApiResponse } from "next";
import { db } from "@/lib/db";
import { answerCalloutRequest } from "@/lib/sync/answer-callout-request";

/** The raw bytes are verified: Next must not parse (or size-limit) the body itself. */
export const config = { api: { bodyParser: false } };

// /api/webhooks/[vendor]/[connectionId]: vendor callouts and webhooks (lib/sync/answer-callout-request.ts says why
// this one route is a Pages Router API route). Zuora callout templates keep their URL: /api/webhooks/zuora/<connectionId>.
const handler = (req: NextApiRequest, res: NextApiResponse) =>
  answerCalloutRequest({ db, req, res, vendor: String(req.query.vendor), connectionId: String(req.query.connectionId) });

export default handler;
