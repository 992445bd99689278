/** What the admin enters in the source system's callout (webhook) setup for a flow's source connection. */
export type CalloutSetup = {
  /** `<app URL>/api/webhooks/<vendor>/<source connection id>` */
  url: string;
  /** the source connector's label */
  systemLabel: string;
  /** the connection's callout options (its settings under `callout.`), by their declared labels */
  options: { label: string; value: string }[];
  /** whether the connection holds its callout signing secret (never the secret itself) */
  isSecretSet: boolean;
};

/** A flow as the admin pages show it. */
export type FlowView = {
  id: string;
  kind: string;
  /** the flow kind's label and description, from its definition */
  kindLabel: string;
  kindDescription: string;
  name: string;
  enabled: boolean;
  schedule: string | null;
  /** YYYY-MM-DD (UTC) or null */
  backfillFrom: string | null;
  /** the settings the kind's form declares, by field name */
  settings: Record<string, string | number | boolean>;
  source: { id: string; name: string };
  target: { id: string; name: string };
  /** null when the source system sends no callouts */
  callout: CalloutSetup | null;
  createdAt: string;
};

/** One poll run of one object type (FlowRun). */
export type FlowRunView = {
  id: string;
  objectType: string;
  /** the object type's label from the flow kind's definition */
  label: string;
  trigger: string;
  status: string;
  since: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  pages: number;
  listed: number;
  created: number;
  updated: number;
  unchanged: number;
  error: string | null;
  /**
   * The records this run received (first created between its start and its end, of its object type),
   * per status; `retrying`: those pending after a failed attempt (also counted in `pending`).
   */
  records: { received: number; posted: number; held: number; failed: number; skipped: number; pending: number; retrying: number };
  /**
   * What the run amounts to, reading and posting together: "reading" while it lists; "posting" while
   * records it received wait to be posted; "retrying" while some of them wait for another attempt after
   * a failure; then "failed" (the read failed), "finished with failures" (records failed), "finished
   * with held records" (some wait for a mapping or for a document that is not posted yet) or "succeeded".
   */
  outcome: "reading" | "posting" | "retrying" | "failed" | "finished with failures" | "finished with held records" | "succeeded";
};
