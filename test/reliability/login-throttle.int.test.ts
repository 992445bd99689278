import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateUser } from "../../lib/auth/authenticate-user";
import { LOGIN_FORGET_AFTER_MS, LOGIN_FREE_FAILURES, LOGIN_MAX_DELAY_MS } from "../../lib/auth/login-throttle-policy";
import { changePassword } from "../../lib/users/change-password";
import { createUser } from "../../lib/users/create-user";
import { pool } from "./http-helpers";
import { createTestDb, type TestDb } from "../db";

/*
 * Sign-in throttling an attacker cannot turn against the admin (issue 16, security 5), on a real
 * Postgres: parallel guesses count, a browser that signed in before is not locked out by anyone
 * else's failures, every lock ends, one client cannot spray accounts, the current-password check of
 * "change password" is throttled, and the counters of random e-mails do not stay.
 */

const PASSWORD = "the-admin-password-1";
const ADMIN = "admin@throttle.test";

describe("sign-in throttling", () => {
  let t: TestDb;
  let adminId: string;
  beforeAll(async () => {
    t = await createTestDb();
    adminId = (await createUser({ db: t.db, email: ADMIN, password: PASSWORD, role: "admin" })).id;
  });
  afterAll(() => t.drop());

  it("41 parallel guesses check only the free number of passwords", async () => {
    const results = await Promise.all(
      Array.from({ length: 41 }, (_, i) => authenticateUser({ db: t.db, email: "victim@throttle.test", password: `guess-number-${i}`, clientAddress: "203.0.113.7" })),
    );
    expect(results.filter((r) => !r.ok && r.code === "INVALID_CREDENTIALS")).toHaveLength(LOGIN_FREE_FAILURES.account);
    expect(results.filter((r) => !r.ok && r.code === "THROTTLED")).toHaveLength(41 - LOGIN_FREE_FAILURES.account);
  });

  it("strangers' guesses at the admin's e-mail do not lock out the admin's own browser, and every lock ends", async () => {
    const now = new Date("2026-03-01T09:00:00Z");
    // the admin signed in once from their browser (its device id comes from the signed cookie)
    expect((await authenticateUser({ db: t.db, email: ADMIN, password: PASSWORD, deviceId: "admins-laptop", now })).ok).toBe(true);
    // an attacker from many addresses keeps guessing, on and on
    for (let i = 0; i < 40; i++) {
      await authenticateUser({ db: t.db, email: ADMIN, password: `attacker-guess-${i}`, clientAddress: `192.0.2.${i}`, now: new Date(now.getTime() + i * 60_000) });
    }
    const later = new Date(now.getTime() + 40 * 60_000);
    const stranger = await authenticateUser({ db: t.db, email: ADMIN, password: PASSWORD, clientAddress: "198.51.100.1", now: later });
    expect(stranger).toMatchObject({ ok: false, code: "THROTTLED" });
    expect((await authenticateUser({ db: t.db, email: ADMIN, password: PASSWORD, deviceId: "admins-laptop", now: later })).ok).toBe(true);
    // and a new browser with the right password gets in once the (capped) delay has passed
    expect((await authenticateUser({ db: t.db, email: ADMIN, password: PASSWORD, clientAddress: "198.51.100.1", now: new Date(later.getTime() + LOGIN_MAX_DELAY_MS) })).ok).toBe(true);
  });

  it("one client address cannot spray passwords over many accounts", async () => {
    const now = new Date("2026-03-02T09:00:00Z");
    const results = [];
    for (let i = 0; i <= LOGIN_FREE_FAILURES.address; i++) {
      results.push(await authenticateUser({ db: t.db, email: `spray-${i}@throttle.test`, password: "Summer2026!!", clientAddress: "203.0.113.99", now }));
    }
    expect(results.at(-1)).toMatchObject({ ok: false, code: "THROTTLED" });
    expect(results.slice(0, -1).every((r) => !r.ok && r.code === "INVALID_CREDENTIALS")).toBe(true);
  });

  it("the current-password check of change password is throttled too", async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => changePassword({ db: t.db, userId: adminId, currentPassword: `guess-${i}-xxxx`, newPassword: "a-brand-new-password" })),
    );
    const codes = outcomes.map((o) => (o.status === "rejected" ? (o.reason as { code?: string }).code : "CHANGED"));
    expect(codes.filter((c) => c === "WRONG_PASSWORD")).toHaveLength(LOGIN_FREE_FAILURES["password-change"]);
    expect(codes.filter((c) => c === "RATE_LIMITED")).toHaveLength(30 - LOGIN_FREE_FAILURES["password-change"]);
    await expect(changePassword({ db: t.db, userId: adminId, currentPassword: PASSWORD, newPassword: "a-brand-new-password" })).rejects.toMatchObject({ code: "RATE_LIMITED", status: 429 });
  });

  it("300 sign-ins with random e-mails leave no rows once they are a day old", async () => {
    await t.db.loginThrottle.deleteMany();
    const then = new Date("2026-03-03T09:00:00Z");
    const attempt = (i: number) =>
      authenticateUser({ db: t.db, email: `random-${i}-${Math.random().toString(36).slice(2)}@example.com`, password: "whatever-password", clientAddress: `10.0.${i >> 8}.${i & 255}`, now: then });
    await pool(Array.from({ length: 300 }, (_, i) => () => attempt(i)), 4);
    expect(await t.db.loginThrottle.count()).toBe(600);
    await authenticateUser({ db: t.db, email: ADMIN, password: "one-more-wrong-one", clientAddress: "10.9.9.9", now: new Date(then.getTime() + LOGIN_FORGET_AFTER_MS + 1000) });
    expect(await t.db.loginThrottle.count()).toBe(2);
  }, 180_000);
});
