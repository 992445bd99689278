import { randomBytes } from "node:crypto";
import { createConnection } from "../../lib/connections/create-connection";
import type { Db, Prisma } from "../../lib/db";
import { ZUORA_QAD } from "../../lib/flows/zuora-qad/definition";
import { zuoraQadSettingsSchema } from "../../lib/flows/zuora-qad/settings";
import { suggestedCodeOf } from "../../lib/flows/zuora-qad/suggest-customer-matches";
import { TAX_GL_KEY } from "../../lib/flows/zuora-qad/tax-key";
import { saveValueMap } from "../../lib/mapping-admin/save-value-map";
import { readCatalog } from "../../lib/sync/read-catalog";
import type { RunningSandbox } from "../../sandbox/index";
import { QAD_DEMO_WORKSPACE_ID } from "../../sandbox/qad/demo";
import { getToken, zuoraGet } from "../../sandbox/zuora/test-support";
import { BENCH_CALLOUT_SECRET, DEMO_GL_MAPS } from "./stack";

/*
 * A Zuora -> QAD flow on real connections to a sandbox's QAD demo company (NWC_NWCUS), for the
 * end-to-end test and the benchmark: every demo charge on a GL account, the documents' tax total on
 * QAD's Sales Tax Payable (the QAD flow posts tax as a line; DEMO_GL_MAPS, shared with Acumatica, has
 * no tax key), a bank account per currency, and the customer match made the way an admin makes it on
 * the canvas. No vitest import here.
 */

export const createQadSandboxFlow = async ({ db, sandbox, qadLimits = { requestsPerMinute: 20_000, maxConcurrent: 8 } }: { db: Db; sandbox: RunningSandbox; qadLimits?: { requestsPerMinute?: number; maxConcurrent?: number } }) => {
  const suffix = randomBytes(3).toString("hex");
  const z = sandbox.credentials.zuora;
  const q = sandbox.credentials.qad;
  const [domainCode, entityCode] = QAD_DEMO_WORKSPACE_ID.split("_");
  const source = await createConnection({
    db,
    input: { vendor: "zuora", name: `Zuora (sandbox ${suffix})`, baseUrl: z.baseUrl, settings: {}, secrets: { clientId: z.clientId, clientSecret: z.clientSecret, calloutHmacSecret: BENCH_CALLOUT_SECRET } },
  });
  const target = await createConnection({
    db,
    input: { vendor: "qad", name: `QAD (sandbox ${suffix})`, baseUrl: q.baseUrl, settings: { domainCode, entityCode, ...qadLimits }, secrets: { clientId: q.clientId, username: q.username, password: q.password } },
  });
  const flow = await db.flow.create({
    data: {
      kind: ZUORA_QAD,
      name: `Zuora → QAD ${suffix}`,
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
      enabled: true,
      schedule: null,
      backfillFrom: new Date(Date.now() - 86_400_000),
      settings: zuoraQadSettingsSchema.parse({}) as Prisma.InputJsonValue,
    },
  });
  const maps = [
    ...Object.entries(DEMO_GL_MAPS).map(([sourceKey, targetValue]) => ({ kind: "gl-account", sourceKey, targetValue })),
    { kind: "gl-account", sourceKey: TAX_GL_KEY, targetValue: "23100" },
    { kind: "bank-account", sourceKey: "USD", targetValue: "10200" },
    { kind: "bank-account", sourceKey: "EUR", targetValue: "10250" },
  ];
  await db.valueMap.createMany({ data: maps.map((m) => ({ flowId: flow.id, ...m })) });
  return flow.id;
};

/**
 * The admin accepts every match the canvas suggests (the customer-match source values whose label
 * names a QAD customer); returns the accounts left unmatched and how many were matched.
 */
export const acceptSuggestedMatches = async ({ db, flowId }: { db: Db; flowId: string }) => {
  const read = await readCatalog({ db, flowId, kind: "customer", side: "source", refresh: true });
  if (read.error) throw new Error(read.error);
  const unmatched: { accountNumber: string; name: string | null }[] = [];
  let matched = 0;
  for (const value of read.values) {
    const code = suggestedCodeOf(value.label);
    if (!code) {
      unmatched.push({ accountNumber: value.key, name: value.label });
      continue;
    }
    await saveValueMap({ db, input: { flowId, kind: "customer", sourceKey: value.key, targetValue: code } });
    matched += 1;
  }
  return { unmatched, matched };
};

type Row = Record<string, unknown>;

/** Every row of a Zuora Object Query listing (`/object-query/<object>`), page by page. */
export const zuoraObjects = async (sandbox: RunningSandbox, object: string, token?: string): Promise<Row[]> => {
  const bearer = token ?? (await getToken(sandbox));
  const rows: Row[] = [];
  let cursor: string | undefined;
  do {
    const page = await zuoraGet(sandbox, bearer, `/object-query/${object}?pageSize=99${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    rows.push(...(page.body.data as Row[]));
    cursor = page.body.nextPage as string | undefined;
  } while (cursor);
  return rows;
};

/** Creates a QAD customer (code `<prefix><n>`, the account's name and currency) for each Zuora account and matches the account to it. */
export const createAndMatchCustomers = async ({ db, sandbox, flowId, accountNumbers, prefix }: { db: Db; sandbox: RunningSandbox; flowId: string; accountNumbers: string[]; prefix: string }) => {
  const accounts = new Map((await zuoraObjects(sandbox, "accounts")).map((a) => [String(a.accountNumber), a]));
  const codeOf = (i: number) => `${prefix}${String(i + 1).padStart(4, "0")}`;
  await sandbox.control.qad.seed({
    workspace: QAD_DEMO_WORKSPACE_ID,
    customers: accountNumbers.map((n, i) => ({ customerCode: codeOf(i), businessRelationName: String(accounts.get(n)?.name ?? n).slice(0, 36), currencyCode: String(accounts.get(n)?.currency ?? "USD") })),
  });
  for (const [i, n] of accountNumbers.entries()) await saveValueMap({ db, input: { flowId, kind: "customer", sourceKey: n, targetValue: codeOf(i) } });
};
