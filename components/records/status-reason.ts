/** How a record's status reason reads, and what an admin does about it. */
export type StatusReasonText = {
  /** short words after the status, e.g. "refused by the target" */
  label: string;
  /** temporary: the same document may post later as it is; permanent: something must change first */
  nature?: "temporary" | "permanent";
  /** what happened and what to do, one or two sentences */
  advice?: string;
};

const TEXTS: Record<string, StatusReasonText> = {
  "retries-exhausted": {
    label: "target unavailable, retries spent",
    nature: "temporary",
    advice:
      "Temporary: the target did not answer, or answered with a temporary error (HTTP 5xx, 429, a timeout), on every try. The document itself was not refused. Check that the target is reachable (Connections: Test), then Replay: it posts as it is.",
  },
  "target-rejected": {
    label: "refused by the target",
    nature: "permanent",
    advice:
      "Permanent: the target refused this document as it was sent, and sending it again unchanged fails again. Fix what the answer names (a mapping, or the setup in the target), then Replay.",
  },
  "source-missing": {
    label: "gone from the source",
    nature: "permanent",
    advice: "The document could no longer be read from the source (deleted or not visible to this connection). Check it there; Replay fetches it again.",
  },
  "invalid-source": {
    label: "source document cannot be mapped",
    nature: "permanent",
    advice: "The source document is missing data the mapping needs (see the message). Correct it in the source, then Replay.",
  },
  "mapping-missing": { label: "waiting for a mapping" },
  "waiting-for-invoice": { label: "waiting for its invoice to post" },
  "waiting-for-customer": { label: "waiting for its customer to post" },
  "period-closed": { label: "financial period closed" },
};

/** The readable text of a status reason; unknown reasons read as written. */
export const describeStatusReason = (reason: string | null | undefined): StatusReasonText | null => (reason ? (TEXTS[reason] ?? { label: reason }) : null);
