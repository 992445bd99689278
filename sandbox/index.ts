import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { env } from "@/lib/env";
import { ACUMATICA_SANDBOX_DEFAULTS, createAcumaticaSandbox, type AcumaticaSandbox, type AcumaticaSandboxOptions } from "./acumatica/index";
import { createSandboxControlClient, type SandboxControlClient } from "./core/control-client";
import { createFaultInjector, type FaultInjector } from "./core/faults";
import { seedDemo, type DemoSeedOptions } from "./demo/seed-demo";
import { buildSandboxServer, withOrigin, type SandboxCredentials } from "./server";
import { createZuoraSandbox, DEMO_ZUORA_CLIENT, type ZuoraSandbox, type ZuoraSandboxOptions } from "./zuora/index";
import { createZohoCrmSandbox, zohoCrmCredentials, type ZohoCrmSandbox, type ZohoCrmSandboxOptions } from "./zoho-crm/index";

/*
 * startSandbox() is the embedded default (`npm start`, `npm run sandbox`): port SANDBOX_PORT, state kept in
 * DATA_DIR/sandbox/state.json across restarts, demo company seeded on first start. startSandbox({ ... })
 * starts from nothing but what it is given: in memory, empty, port 0 (a free port) unless named. Tests use
 * that for a fresh, isolated sandbox per suite.
 */

export type StartSandboxOptions = {
  /** TCP port; 0 picks a free one. Default 0 (with options) or SANDBOX_PORT (without). */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Folder for state.json; state is loaded at start and written while running and at close. Default: none (memory only). */
  stateDir?: string;
  /** Seed the demo company when the sandbox starts empty. */
  demo?: boolean | DemoSeedOptions;
  /** Seed of generated ids and of fault decisions. Default 1. */
  seed?: number;
  zuora?: Omit<ZuoraSandboxOptions, "prefix">;
  acumatica?: AcumaticaSandboxOptions;
  "zoho-crm"?: ZohoCrmSandboxOptions;
  /** Log requests (Fastify logger). Default false. */
  log?: boolean;
  /** How often changed state is written to stateDir, in ms. Default 5000. */
  saveIntervalMs?: number;
};

export type RunningSandbox = {
  /** Server root, e.g. http://127.0.0.1:4010 */
  url: string;
  /** Zuora base URL (what a Zuora connection is configured with). */
  zuoraBaseUrl: string;
  /** Acumatica instance URL. */
  acumaticaBaseUrl: string;
  /** Zoho CRM accounts server of the demo org's data center (token URL: `${zohoCrmAccountsUrl}/oauth/v2/token`). */
  zohoCrmAccountsUrl: string;
  /** The demo API credentials both vendors accept, with absolute base URLs. */
  credentials: SandboxCredentials;
  /** Typed client of the control API. */
  control: SandboxControlClient;
  /** In-process handles, for callers in the same process that want to skip HTTP. */
  vendors: { zuora: ZuoraSandbox; acumatica: AcumaticaSandbox; zohoCrm: ZohoCrmSandbox; faults: FaultInjector };
  /** Writes the state file now (no-op without stateDir). */
  save: () => Promise<void>;
  /** Stops callouts, writes the state file, closes the server. */
  close: () => Promise<void>;
};

/** Options of the embedded default, read from lib/env.ts. */
export const embeddedSandboxOptions = (): StartSandboxOptions => {
  const { SANDBOX_PORT, DATA_DIR } = env();
  // A first bill run gives a new install documents to sync right away (some with unmapped charges).
  return { port: SANDBOX_PORT, stateDir: path.join(DATA_DIR, "sandbox"), demo: { invoices: 120 } };
};

type StateFile = { format: "ml-connector-sandbox/1"; savedAt: string; zuora: unknown; acumatica: unknown; "zoho-crm"?: unknown };

const readState = async (file: string): Promise<StateFile | undefined> => {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as StateFile;
    if (parsed.format !== "ml-connector-sandbox/1") throw new Error(`${file} is not a sandbox state file`);
    return parsed;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
};

export const startSandbox = async (options?: StartSandboxOptions): Promise<RunningSandbox> => {
  const o = options ?? embeddedSandboxOptions();
  const seed = o.seed ?? 1;
  const zuora = createZuoraSandbox({ seed, ...o.zuora });
  const acumatica = createAcumaticaSandbox(o.acumatica);
  const zohoCrm = createZohoCrmSandbox(o["zoho-crm"]);
  const faults = createFaultInjector({ seed });
  const acumaticaClient = o.acumatica?.clients?.[0] ?? ACUMATICA_SANDBOX_DEFAULTS.client;
  const acumaticaUser = o.acumatica?.users?.[0] ?? ACUMATICA_SANDBOX_DEFAULTS.user;
  const zuoraClient = o.zuora?.clients?.[0] ?? DEMO_ZUORA_CLIENT;
  const relativeCredentials: SandboxCredentials = {
    zuora: { baseUrl: zuora.prefix, clientId: zuoraClient.clientId, clientSecret: zuoraClient.clientSecret },
    acumatica: {
      baseUrl: "/acumatica",
      tenant: o.acumatica?.tenant ?? ACUMATICA_SANDBOX_DEFAULTS.tenant,
      clientId: acumaticaClient.clientId,
      clientSecret: acumaticaClient.clientSecret,
      username: acumaticaUser.username,
      password: acumaticaUser.password,
      endpointVersion: "24.200.001",
    },
    "zoho-crm": zohoCrmCredentials(zohoCrm, o["zoho-crm"]?.clients?.[0]),
  };

  const stateFile = o.stateDir ? path.join(o.stateDir, "state.json") : undefined;
  const saved = stateFile ? await readState(stateFile) : undefined;
  if (saved) {
    zuora.control.restore(saved.zuora);
    acumatica.control.restore(saved.acumatica);
    if (saved["zoho-crm"]) zohoCrm.control.restore(saved["zoho-crm"]);
  } else if (o.demo) {
    seedDemo({ zuora: zuora.control, acumatica: acumatica.control, zohoCrm: zohoCrm.control, input: o.demo === true ? {} : o.demo });
  }

  const app: FastifyInstance = await buildSandboxServer({ zuora, acumatica, zohoCrm, faults, credentials: relativeCredentials, log: o.log });
  await app.listen({ port: o.port ?? 0, host: o.host ?? "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  const url = `http://${o.host ?? "127.0.0.1"}:${port}`;
  const credentials = withOrigin(relativeCredentials, url);

  let lastSaved = { zuora: zuora.control.version(), acumatica: acumatica.control.stats().requests, zohoCrm: zohoCrm.control.version() };
  let saving: Promise<void> = Promise.resolve();
  const save = async (force = false) => {
    if (!stateFile || !o.stateDir) return;
    const current = { zuora: zuora.control.version(), acumatica: acumatica.control.stats().requests, zohoCrm: zohoCrm.control.version() };
    if (!force && current.zuora === lastSaved.zuora && current.acumatica === lastSaved.acumatica && current.zohoCrm === lastSaved.zohoCrm && saved !== undefined) return;
    lastSaved = current;
    const dir = o.stateDir;
    saving = saving.then(async () => {
      const state: StateFile = { format: "ml-connector-sandbox/1", savedAt: new Date().toISOString(), zuora: zuora.control.snapshot(), acumatica: acumatica.control.snapshot(), "zoho-crm": zohoCrm.control.snapshot() };
      await mkdir(dir, { recursive: true });
      const temp = `${stateFile}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(state));
      await rename(temp, stateFile);
    });
    await saving;
  };
  if (stateFile) await save(true);
  const timer = stateFile ? setInterval(() => void save().catch(() => {}), o.saveIntervalMs ?? 5_000) : undefined;
  timer?.unref();

  return {
    url,
    zuoraBaseUrl: credentials.zuora.baseUrl,
    acumaticaBaseUrl: credentials.acumatica.baseUrl,
    zohoCrmAccountsUrl: credentials["zoho-crm"].accountsUrl,
    credentials,
    control: createSandboxControlClient(url),
    vendors: { zuora, acumatica, zohoCrm, faults },
    save: () => save(true),
    close: async () => {
      if (timer) clearInterval(timer);
      zuora.control.close();
      zohoCrm.control.close();
      await save(true);
      await app.close();
    },
  };
};

export { createSandboxControlClient, type SandboxControlClient } from "./core/control-client";
export type { SandboxCredentials } from "./server";
export type { FaultRuleInput, FaultConfigInput, FaultLogEntry, Latency, VendorName } from "./core/faults";
