import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { seedIfsCloudDemo } from "../../../sandbox/ifs-cloud/demo";
import { createTestDb, type TestDb } from "../../../test/db";
import { createKeyring, generateKey } from "../../crypto";
import { VendorHttpError, type ExchangeSummary } from "../../http";
import { listIfsAccounts, listIfsCompanies, listIfsCostCenters } from "./catalog";
import { createIfsCloudClient, testIfsCloudConnection } from "./index";
import type { IfsVoucherInput } from "./schemas";
import { createIfsCloudTarget, voucherIdOf } from "./target";

/*
 * Contract tests of the IFS Cloud connector against the IFS sandbox over real HTTP, with the shared
 * token cache on a real Postgres.
 */

const keyring = createKeyring({ key: generateKey() });
let sandbox: RunningSandbox;
let testDb: TestDb;
const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  [sandbox, testDb] = await Promise.all([startSandbox({ port: 0, seed: 5 }), createTestDb()]);
  seedIfsCloudDemo(sandbox.vendors.ifsCloud.control);
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), testDb?.drop()]);
});

const settingsOf = (overrides: object = {}) => ({ realm: sandbox.credentials.ifsCloud.realm, ...overrides });
const secretsOf = (overrides: object = {}) => ({ clientId: sandbox.credentials.ifsCloud.clientId, clientSecret: sandbox.credentials.ifsCloud.clientSecret, ...overrides });
const connection = (settings: object = {}) => {
  const exchanges: ExchangeSummary[] = [];
  const client = createIfsCloudClient({
    connectionId: randomUUID(),
    baseUrl: sandbox.ifsCloudBaseUrl,
    settings: settingsOf(settings),
    secrets: secretsOf(),
    db: testDb.db,
    keyring,
    onExchange: (s) => exchanges.push(s),
  });
  return { client, exchanges };
};

const voucher = (reference: string, amount: number, company = "10", currency = "USD"): IfsVoucherInput => ({
  Company: company,
  VoucherType: "I",
  VoucherDate: today(),
  VoucherText: `Zuora ${reference}`,
  rows: [
    { Company: company, Account: "1510", CodeB: "900", CurrencyCode: currency, CurrencyDebetAmount: amount, ReferenceNumber: reference },
    { Company: company, Account: "3010", CodeB: "100", CurrencyCode: currency, CurrencyCreditAmount: amount, ReferenceNumber: reference },
  ],
});

describe("IFS Cloud: Test connection", () => {
  const run = (settings: object = {}, secrets: object = {}) => testIfsCloudConnection({ baseUrl: sandbox.ifsCloudBaseUrl, settings: settingsOf(settings), secrets: secretsOf(secrets) });

  it("signs in, finds the voucher projection and reads the companies", async () => {
    expect(await run()).toEqual([
      { step: "auth", ok: true, message: `Signed in to realm ifsdemo as IAM client ${sandbox.credentials.ifsCloud.clientId}.` },
      { step: "version", ok: true, message: "Projection ManualVoucherHandling serves Vouchers and VoucherRows." },
      { step: "read", ok: true, message: "Read companies 10 (USD), 20 (EUR)." },
    ]);
  });

  it("names a wrong realm, a wrong secret, a wrong projection and a wrong entity set", async () => {
    expect(await run({ realm: "ifsprod" })).toEqual([
      { step: "auth", ok: false, message: 'IFS IAM has no realm "ifsprod" on this host (404: Realm does not exist). Check the realm (the IFS system\'s namespace) and the URL.' },
    ]);
    const secret = await run({}, { clientSecret: "wrong" });
    expect(secret).toHaveLength(1);
    expect(secret[0]).toMatchObject({ step: "auth", ok: false, message: expect.stringMatching(/^IFS IAM refused the client ID or secret \((invalid_client|unauthorized_client)\)\. Check the IAM client's ID and secret/) });
    expect((await run({ voucherProjection: "VoucherEntryHandling" }))[1]).toEqual({
      step: "version",
      ok: false,
      message: "IFS has no projection VoucherEntryHandling (MI_METADATA_NOTFOUND). Check the voucher projection's name in the tenant's API Explorer.",
    });
    expect((await run({ voucherSet: "VoucherSet" }))[1]).toMatchObject({ step: "version", ok: false, message: expect.stringMatching(/^Projection ManualVoucherHandling has no entity set VoucherSet\. It offers .*Vouchers/) });
  });
});

describe("IFS Cloud client and target", () => {
  it("creates a voucher (deep insert, Confirmed) and then finds it by its reference", async () => {
    const { client } = connection();
    const target = createIfsCloudTarget(client);
    const ref = `INV-${randomUUID().slice(0, 8)}`;
    expect(await target.findDocument({ entity: "Voucher", naturalKey: ref })).toBeNull();
    const created = await target.createDocument({ entity: "Voucher", naturalKey: ref, document: voucher(ref, 120.5) });
    expect(created.targetId).toMatch(/^10\/\d{4}\/I\/\d+$/);
    expect(created.version).toMatch(/^W\//);
    expect(await target.findDocument({ entity: "Voucher", naturalKey: ref })).toMatchObject({ targetId: created.targetId });
    const stored = (await sandbox.control.ifsCloud.vouchers()).find((v) => voucherIdOf(v as never) === created.targetId) as { Objstate: string } | undefined;
    expect(stored).toMatchObject({ Objstate: "Confirmed" });
  });

  it("refuses our own document when it is not a voucher (parsed at the adapter), and passes IFS's business-rule refusal on, not retryable", async () => {
    const { client } = connection();
    const target = createIfsCloudTarget(client);
    await expect(target.createDocument({ entity: "Voucher", naturalKey: "X", document: { Company: "10" } })).rejects.toThrow(/VoucherType/);
    const unbalanced = voucher("INV-UNBAL-C", 10);
    unbalanced.rows[1]!.CurrencyCreditAmount = 9.99;
    const err = await target.createDocument({ entity: "Voucher", naturalKey: "INV-UNBAL-C", document: unbalanced }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorHttpError);
    expect((err as VendorHttpError).retryable).toBe(false);
    expect((err as VendorHttpError).reason).toMatch(/^400: DATABASE_ERROR: ORA-20110: Voucher\.NOTBALANCED/);
  });

  it("refreshes the token once on 401 (expired tokens) and shares it through the cache", async () => {
    const { client, exchanges } = connection();
    await client.findVouchersByReference("nothing");
    exchanges.length = 0;
    const before = (await sandbox.control.ifsCloud.stats()).tokensIssued;
    await sandbox.control.ifsCloud.expireTokens();
    await client.findVouchersByReference("nothing");
    expect(exchanges.filter((e) => !e.path.includes("/token")).map((e) => e.status)).toEqual([401, 200]);
    expect((await sandbox.control.ifsCloud.stats()).tokensIssued).toBe(before + 1);
  });

  it("a 401 again after the refresh (tokens expired twice in one call) is retryable; a refused secret is not", async () => {
    const { client } = connection();
    await client.findVouchersByReference("warm-up");
    await sandbox.control.faults.set({ rules: [{ id: "expire-twice", vendor: "ifs-cloud", path: "/int/*", times: 2, action: { kind: "expire-tokens" } }] });
    try {
      const err = await client.findVouchersByReference("nothing").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VendorHttpError);
      expect(err).toMatchObject({ status: 401, code: "unauthorized", retryable: true });
      expect(await client.findVouchersByReference("nothing")).toEqual([]);
    } finally {
      await sandbox.control.faults.set({ rules: [] });
    }
    const refused = createIfsCloudClient({ connectionId: randomUUID(), baseUrl: sandbox.ifsCloudBaseUrl, settings: settingsOf(), secrets: secretsOf({ clientSecret: "wrong" }), db: testDb.db, keyring });
    expect(await refused.findVouchersByReference("x").catch((e: unknown) => e)).toMatchObject({ code: "unauthorized", retryable: false, reason: expect.stringMatching(/^IFS IAM refused the client ID or secret/) });
  });

  it("confirms a Waiting voucher with If-Match, reading it again after a stale ETag (412)", async () => {
    const { client, exchanges } = connection();
    const ref = `INV-${randomUUID().slice(0, 8)}`;
    // a voucher left Waiting: header, then rows, as a partial import leaves one
    const tokenRes = await fetch(`${sandbox.ifsCloudBaseUrl}/auth/realms/ifsdemo/protocol/openid-connect/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: secretsOf().clientId, client_secret: secretsOf().clientSecret }) });
    const bearer = { authorization: `Bearer ${((await tokenRes.json()) as { access_token: string }).access_token}`, "content-type": "application/json" };
    const svc = `${sandbox.ifsCloudBaseUrl}/int/ifsapplications/projection/v1/ManualVoucherHandling.svc`;
    const header = (await (await fetch(`${svc}/Vouchers`, { method: "POST", headers: bearer, body: JSON.stringify({ Company: "10", VoucherType: "I", VoucherDate: today() }) })).json()) as { AccountingYear: number; VoucherNo: number };
    const keys = { Company: "10", AccountingYear: header.AccountingYear, VoucherType: "I", VoucherNo: header.VoucherNo };
    const path = `${svc}/Vouchers(Company='10',AccountingYear=${keys.AccountingYear},VoucherType='I',VoucherNo=${keys.VoucherNo})/VoucherRowArray`;
    for (const row of voucher(ref, 50).rows) expect((await fetch(path, { method: "POST", headers: bearer, body: JSON.stringify(row) })).status).toBe(201);

    const target = createIfsCloudTarget(client);
    const found = await target.findDocument({ entity: "Voucher", naturalKey: ref });
    expect(found).toMatchObject({ targetId: voucherIdOf(keys) });
    await sandbox.control.ifsCloud.configure({ staleEtagRate: 0.5 });
    try {
      exchanges.length = 0;
      await target.completeDocument({ entity: "Voucher", naturalKey: ref, ref: found!, document: null });
    } finally {
      await sandbox.control.ifsCloud.configure({ staleEtagRate: 0 });
    }
    expect((await client.getVoucher(keys)).Objstate).toBe("Confirmed");
    const confirms = exchanges.filter((e) => e.method === "POST");
    expect(confirms.at(-1)?.status).toBe(204);
    expect(confirms.map((e) => e.status)).toContain(412);
    // every confirm was preceded by a read of the voucher (its ETag)
    exchanges.forEach((e, i) => e.method === "POST" && expect(exchanges[i - 1]?.method).toBe("GET"));
    // confirming again changes nothing and sends no write; a voucher found Confirmed costs no read at all
    exchanges.length = 0;
    await target.completeDocument({ entity: "Voucher", naturalKey: ref, ref: found!, document: null });
    expect(exchanges.map((e) => e.method)).toEqual(["GET"]);
    const again = createIfsCloudTarget(client);
    const confirmed = await again.findDocument({ entity: "Voucher", naturalKey: ref });
    exchanges.length = 0;
    await again.completeDocument({ entity: "Voucher", naturalKey: ref, ref: confirmed!, document: null });
    expect(exchanges).toEqual([]);
  });

  it("reads companies, accounts and cost centers without asking past the result-size limit", async () => {
    const { client, exchanges } = connection({ resultSizeLimit: 7 });
    expect((await listIfsCompanies(client)).map((c) => c.key)).toEqual(["10", "20"]);
    const accounts = await listIfsAccounts(client);
    expect(accounts).toHaveLength(22);
    expect(accounts.find((a) => a.key === "20 | 3099")).toMatchObject({ inactive: true });
    expect((await listIfsCostCenters(client)).map((c) => c.key)).toEqual(["100", "200", "300", "900"]);
    for (const e of exchanges) {
      const top = /\$top=(\d+)/.exec(decodeURIComponent(e.path))?.[1];
      if (top) expect(Number(top)).toBeLessThanOrEqual(7);
    }
    expect(exchanges.filter((e) => e.path.includes("AccountSet")).length).toBeGreaterThanOrEqual(4);
  });

  it("tells whether the period of a date is open", async () => {
    const { client } = connection();
    const year = new Date().getUTCFullYear();
    expect(await client.periodStatus("10", today())).toBe("Open");
    expect(await client.periodStatus("10", `${year - 2}-03-15`)).toBe("Closed");
    expect(await client.periodStatus("10", `${year + 5}-03-15`)).toBeNull();
  });
});
