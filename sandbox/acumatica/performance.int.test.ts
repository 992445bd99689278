import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENTITIES } from "./entities";
import { AcumaticaInstance } from "./instance";
import { startAcumatica, type TestAcumatica, wrap } from "./test-server";

const invoiceBody = (i: number) =>
  wrap({
    Customer: "ACME",
    Date: "2024-05-10T00:00:00+00:00",
    CustomerOrder: `INV${String(i).padStart(8, "0")}`,
    Hold: false,
    Details: [{ Account: "40100", Qty: 1, UnitPrice: 100 }],
  });

describe("indexed lookups (in process, 10,000 invoices)", () => {
  it("answers CustomerOrder eq '...' from the index, not by a scan", () => {
    const instance = new AcumaticaInstance({ now: () => new Date("2024-05-15T12:00:00Z"), actionPolls: 1 });
    instance.seed({ customers: [{ CustomerID: "ACME", CustomerName: "Acme" }] });
    const startInsert = performance.now();
    for (let i = 1; i <= 10_000; i++) {
      const result = instance.put(ENTITIES.Invoice, invoiceBody(i), "upsert");
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
    }
    const insertMs = performance.now() - startInsert;

    const lookups = 2_000;
    const startIndexed = performance.now();
    for (let i = 0; i < lookups; i++) {
      const n = 1 + ((i * 7919) % 10_000);
      const found = instance.list(ENTITIES.Invoice, { filter: `CustomerOrder eq 'INV${String(n).padStart(8, "0")}'` });
      if (found.length !== 1) throw new Error(`lookup ${n} found ${found.length}`);
    }
    const indexedMs = performance.now() - startIndexed;

    const scans = 50;
    const startScan = performance.now();
    for (let i = 0; i < scans; i++) instance.list(ENTITIES.Invoice, { filter: `substringof('${String(i).padStart(8, "0")}', CustomerOrder)` });
    const scanMs = performance.now() - startScan;

    console.info(
      `[acumatica] 10,000 in-process PUTs: ${insertMs.toFixed(0)} ms; indexed eq lookup: ${((indexedMs / lookups) * 1000).toFixed(1)} µs; full scan: ${(scanMs / scans).toFixed(2)} ms`,
    );
    // relative, so a loaded machine slows both alike: an indexed look-up costs a fraction of a scan
    expect(indexedMs / lookups).toBeLessThan((scanMs / scans) / 10);
  });
});

describe("HTTP throughput", () => {
  let acu: TestAcumatica;
  beforeAll(async () => {
    acu = await startAcumatica();
    acu.sandbox.control.seed({ customers: [{ CustomerID: "ACME", CustomerName: "Acme" }] });
  });
  afterAll(async () => {
    await acu.close();
  });

  it("creates 1,000 invoices over HTTP and serves an authenticated GET by keys quickly", async () => {
    const count = 1_000;
    const workers = 8;
    let next = 1;
    const putStart = performance.now();
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next <= count) {
          const i = next++;
          const res = await acu.api("PUT", "/Invoice", invoiceBody(i));
          if (res.status !== 200) throw new Error(`PUT ${i}: ${res.status} ${res.text}`);
        }
      }),
    );
    const putPerSecond = count / ((performance.now() - putStart) / 1000);

    const measure = async (parallel: number, ms: number) => {
      let done = 0;
      const until = performance.now() + ms;
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (performance.now() < until) {
            const ref = `AR${String(1 + (done % count)).padStart(6, "0")}`;
            const res = await acu.api("GET", `/Invoice/Invoice/${ref}`);
            if (res.status !== 200) throw new Error(`GET ${ref}: ${res.status}`);
            done++;
          }
        }),
      );
      return done / (ms / 1000);
    };
    const sequential = await measure(1, 2_000);
    const concurrent = await measure(8, 2_000);
    console.info(
      `[acumatica] PUT Invoice ${putPerSecond.toFixed(0)}/s (8 in flight); GET Invoice by keys ${sequential.toFixed(0)}/s sequential, ${concurrent.toFixed(0)}/s with 8 in flight`,
    );
    expect(acu.sandbox.control.documents("Invoice")).toHaveLength(count);
    expect(acu.sandbox.control.duplicates()).toEqual([]);
    // A floor, not a benchmark: the machine is shared, so only a pathological slowdown should fail here.
    expect(sequential).toBeGreaterThan(50);
  });
});
