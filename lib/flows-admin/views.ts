import type { ZuoraAcumaticaSettings } from "../flows/zuora-acumatica/mapping";

/** What the Zuora admin enters in the callout (notification) template for this flow. */
export type CalloutSetup = {
  /** `<app URL>/api/webhooks/zuora/<source connection id>` */
  url: string;
  /** HMAC options of the template; values from the Zuora connection's settings */
  headerName: string;
  algorithm: string;
  encoding: string;
  signedData: string;
  headerValue: string;
  /** whether the Zuora connection holds the HMAC secret (never the secret itself) */
  isSecretSet: boolean;
};

/** A flow as the admin pages show it. */
export type FlowView = {
  id: string;
  kind: string;
  name: string;
  enabled: boolean;
  schedule: string | null;
  /** YYYY-MM-DD (UTC) or null */
  backfillFrom: string | null;
  settings: ZuoraAcumaticaSettings;
  source: { id: string; name: string };
  target: { id: string; name: string };
  callout: CalloutSetup;
  createdAt: string;
};

/** One poll run of one object type (FlowRun). */
export type FlowRunView = {
  id: string;
  objectType: string;
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
};
