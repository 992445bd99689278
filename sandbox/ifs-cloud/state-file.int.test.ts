import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startSandbox } from "../index";
import { invoiceVoucher, today } from "./test-support";

describe("IFS Cloud in startSandbox", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("seeds the demo companies, and keeps vouchers, numbering and tokens across a restart", async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), "mlc-ifs-"));
    dirs.push(stateDir);
    const first = await startSandbox({ port: 0, stateDir, demo: { accounts: 3 } });
    expect(await first.control.health()).toMatchObject({ vendors: expect.arrayContaining(["ifs-cloud"]) });
    const { ifsCloud } = await first.control.info();
    expect(ifsCloud.baseUrl).toBe(`${first.url}/ifs-cloud`);
    expect((await first.control.ifsCloud.counts()).company).toBe(2);

    const tokenResponse = await fetch(`${ifsCloud.baseUrl}/auth/realms/${ifsCloud.realm}/protocol/openid-connect/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: ifsCloud.clientId, client_secret: ifsCloud.clientSecret }),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const svc = `${ifsCloud.baseUrl}/int/ifsapplications/projection/v1/ManualVoucherHandling.svc`;
    const post = (base: string, reference: string) =>
      fetch(`${base}/Vouchers`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(invoiceVoucher(today(), reference)) });
    expect((await post(svc, "INV00000001")).status).toBe(201);
    await first.close();

    const second = await startSandbox({ port: 0, stateDir, demo: { accounts: 3 } });
    const vouchers = await second.control.ifsCloud.vouchers();
    expect(vouchers.map((v) => v.VoucherText)).toEqual(["Zuora INV00000001"]);
    const again = await post(`${second.ifsCloudBaseUrl}/int/ifsapplications/projection/v1/ManualVoucherHandling.svc`, "INV00000002");
    expect(again.status).toBe(201);
    expect(((await again.json()) as { VoucherNo: number }).VoucherNo).toBe(2);
    await second.close();
  });

  it("gives a state file written before IFS Cloud joined the sandbox the IFS demo companies", async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), "mlc-ifs-"));
    dirs.push(stateDir);
    await (await startSandbox({ port: 0, stateDir, demo: { accounts: 3 } })).close();
    const file = path.join(stateDir, "state.json");
    const { ifsCloud: _dropped, ...older } = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    await writeFile(file, JSON.stringify(older));
    const again = await startSandbox({ port: 0, stateDir, demo: { accounts: 3 } });
    expect((await again.control.ifsCloud.counts()).company).toBe(2);
    expect((await again.control.zuora.stats()).accounts).toBe(3);
    await again.close();
  });
});
