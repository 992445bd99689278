import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { pruneVendorLimits } from "./prune-vendor-limits";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

const ago = (ms: number) => new Date(Date.now() - ms);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("pruneVendorLimits", () => {
  it("deletes the demands of processes gone for a minute, idle rate rows and the slots of keys nobody leased within the hour, and keeps what is in use", async () => {
    await t.db.vendorCallShare.createMany({
      data: [
        // a process killed long ago, under a connection nobody calls any more
        { key: "unused", holder: "dead", demand: 3, expiresAt: ago(2 * MINUTE) },
        // a live process, and one that lapsed a moment ago (its key's own syncs delete it after a minute)
        { key: "busy", holder: "alive", demand: 2, expiresAt: ago(-5_000) },
        { key: "busy", holder: "just-lapsed", demand: 1, expiresAt: ago(10_000) },
      ],
    });
    await t.db.vendorRateLimit.createMany({
      data: [
        { key: "unused", tat: ago(2 * HOUR) },
        { key: "busy", tat: ago(1_000) },
      ],
    });
    await t.db.vendorCallSlot.createMany({
      data: [
        { key: "unused", slot: 0, expiresAt: ago(2 * HOUR) },
        { key: "unused", slot: 1, expiresAt: ago(30 * HOUR) },
        // one of its slots leased recently: all of the key's slots stay
        { key: "busy", slot: 0, holder: "alive", expiresAt: ago(-5_000) },
        { key: "busy", slot: 1, expiresAt: ago(2 * HOUR) },
      ],
    });
    expect(await pruneVendorLimits({ db: t.db })).toEqual({ shares: 1, rates: 1, slots: 2 });
    expect((await t.db.vendorCallShare.findMany({ orderBy: { holder: "asc" } })).map((r) => r.holder)).toEqual(["alive", "just-lapsed"]);
    expect((await t.db.vendorRateLimit.findMany()).map((r) => r.key)).toEqual(["busy"]);
    expect((await t.db.vendorCallSlot.findMany({ orderBy: { slot: "asc" } })).map((r) => `${r.key}:${r.slot}`)).toEqual(["busy:0", "busy:1"]);
  });
});
