import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/test/db";
import { createDb } from "@/lib/db";
import { getHealth } from "./get-health";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
beforeEach(() => t.db.workerHeartbeat.deleteMany());
afterAll(() => t.drop());

const NOW = new Date("2026-02-01T12:00:00.000Z");
const beat = (workerId: string, secondsAgo: number) =>
  t.db.workerHeartbeat.create({
    data: { workerId, hostname: "host", pid: 1, beatAt: new Date(NOW.getTime() - secondsAgo * 1000), startedAt: NOW },
  });

describe("getHealth", () => {
  it("is degraded when no worker ever beat", async () => {
    const health = await getHealth({ db: t.db, now: NOW, staleSeconds: 90 });
    expect(health.status).toBe("degraded");
    expect(health.database.ok).toBe(true);
    expect(health.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(health.worker).toEqual({ ok: false, lastHeartbeatAt: null, ageSeconds: null, workers: 0 });
  });

  it("is ok with a fresh heartbeat, counting only fresh workers", async () => {
    await beat("w1", 5);
    await beat("w2", 30);
    await beat("old", 600);
    const health = await getHealth({ db: t.db, now: NOW, staleSeconds: 90 });
    expect(health.status).toBe("ok");
    expect(health.worker).toEqual({ ok: true, lastHeartbeatAt: "2026-02-01T11:59:55.000Z", ageSeconds: 5, workers: 2 });
  });

  it("is degraded when the newest heartbeat is older than staleSeconds", async () => {
    await beat("w1", 91);
    const health = await getHealth({ db: t.db, now: NOW, staleSeconds: 90 });
    expect(health.status).toBe("degraded");
    expect(health.worker).toMatchObject({ ok: false, ageSeconds: 91, workers: 0 });
  });

  it("reports the database down instead of throwing when it cannot be reached", async () => {
    const url = new URL(t.url);
    url.port = "1";
    const unreachable = createDb(url.toString(), { max: 1 });
    try {
      const health = await getHealth({ db: unreachable, now: NOW, staleSeconds: 90, timeoutMs: 2000 });
      expect(health).toMatchObject({ status: "degraded", database: { ok: false, latencyMs: null }, worker: { ok: false } });
    } finally {
      await unreachable.$disconnect();
    }
  });
});
