/*
 * Outbound events. NetSuite has no webhook subscription API (vendor-apis.md §4.8): an integration deploys a
 * SuiteScript (User Event afterSubmit) that calls N/https.post to an external URL, so the payload, headers and
 * authentication are whatever the script does. The script modelled here is the one our admin guide will ship:
 * on create/edit/delete of the deployed record types it POSTs JSON to a URL configured on the deployment,
 * which carries the shared secret in its query string (issue 15's contract; a script could also sign the body
 * with N/crypto and a Secrets Management key, §4.8, but ours does not). One attempt per change, as a script does: a
 * failed POST is logged on the script's execution log and not retried (receivers must also poll).
 * Deliveries to one URL go out in order, one at a time. A change fires the script whoever made it: REST
 * web services, the UI (control API) or CSV import.
 */
import { randomUUID } from "node:crypto";
import type { ChangeEvent, ChangeKind } from "./store";
import { isoDateTime } from "./time";

export type ScriptDeploymentInput = {
  /** Receiver URL as the admin pasted it on the deployment. */
  url: string;
  /** When set, appended to the URL as `?<secretParam>=<secret>` (the script parameter custscript_ml_secret). */
  secret?: string;
  secretParam?: string;
  recordTypes: string[];
  events?: ChangeKind[];
  /** Extra attempts after a failure; 0 (the default) is what a plain User Event script does. */
  retries?: number;
};

export type ScriptDeployment = Required<Omit<ScriptDeploymentInput, "secret">> & { id: string; secret?: string };

export type OutboundEventBody = {
  eventId: string;
  accountId: string;
  eventType: ChangeKind;
  recordType: string;
  id: string;
  externalId?: string;
  lastModifiedDate: string;
};

export type OutboundDelivery = { id: string; deploymentId: string; body: OutboundEventBody; attempts: number[]; delivered: boolean };

const withSecret = (deployment: ScriptDeployment) => {
  if (deployment.secret === undefined) return deployment.url;
  const url = new URL(deployment.url);
  url.searchParams.set(deployment.secretParam, deployment.secret);
  return url.toString();
};

export type OutboundScript = ReturnType<typeof createOutboundScript>;

export const createOutboundScript = (options: { accountId: string }) => {
  let deployments: ScriptDeployment[] = [];
  let log: OutboundDelivery[] = [];
  const queues = new Map<string, Promise<void>>();
  let nextId = 1;

  const deliver = async (deployment: ScriptDeployment, delivery: OutboundDelivery) => {
    for (let attempt = 0; attempt <= deployment.retries; attempt += 1) {
      let status = 0;
      try {
        const response = await fetch(withSecret(deployment), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(delivery.body),
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        status = 0;
      }
      delivery.attempts.push(status);
      if (status >= 200 && status < 300) {
        delivery.delivered = true;
        return;
      }
    }
  };

  const handle = (event: ChangeEvent) => {
    for (const deployment of deployments) {
      if (!deployment.recordTypes.includes(event.type) || !deployment.events.includes(event.kind)) continue;
      const modified = event.record.modifiedMs;
      const body: OutboundEventBody = {
        eventId: randomUUID(),
        accountId: options.accountId,
        eventType: event.kind,
        recordType: event.type,
        id: event.id,
        ...(event.record.externalId !== undefined ? { externalId: event.record.externalId } : {}),
        lastModifiedDate: isoDateTime(modified),
      };
      const delivery: OutboundDelivery = { id: body.eventId, deploymentId: deployment.id, body, attempts: [], delivered: false };
      log.push(delivery);
      if (log.length > 20_000) log = log.slice(-10_000);
      const key = deployment.url;
      const next = (queues.get(key) ?? Promise.resolve()).then(() => deliver(deployment, delivery));
      queues.set(key, next);
      void next.finally(() => {
        if (queues.get(key) === next) queues.delete(key);
      });
    }
  };

  return {
    handle,
    deploy: (input: ScriptDeploymentInput): ScriptDeployment => {
      new URL(input.url);
      const deployment: ScriptDeployment = {
        id: `customdeploy_ml_connector_${nextId++}`,
        url: input.url,
        secret: input.secret,
        secretParam: input.secretParam ?? "secret",
        recordTypes: input.recordTypes,
        events: input.events ?? ["create", "edit", "delete"],
        retries: input.retries ?? 0,
      };
      deployments.push(deployment);
      return deployment;
    },
    undeploy: (id: string) => {
      const before = deployments.length;
      deployments = deployments.filter((d) => d.id !== id);
      return deployments.length < before;
    },
    deployments: () => deployments.map((d) => ({ ...d })),
    deliveries: (filter: { recordType?: string; id?: string } = {}) =>
      log.filter((d) => (!filter.recordType || d.body.recordType === filter.recordType) && (!filter.id || d.body.id === filter.id)).map((d) => ({ ...d, attempts: [...d.attempts] })),
    /** Resolves when every queued POST has been sent (or failed). */
    drain: async (timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (queues.size > 0 && Date.now() < deadline) await Promise.race([Promise.all([...queues.values()]), new Promise((r) => setTimeout(r, 50))]);
      return queues.size === 0;
    },
    snapshot: () => ({ deployments: deployments.map((d) => ({ ...d })), nextId }),
    restore: (state: { deployments: ScriptDeployment[]; nextId: number }) => {
      deployments = state.deployments.map((d) => ({ ...d }));
      nextId = state.nextId;
      log = [];
    },
    reset: () => {
      deployments = [];
      log = [];
      nextId = 1;
    },
  };
};
