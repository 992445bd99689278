import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/test/db";
import { createUser } from "@/lib/users/create-user";
import { authenticateUser } from "./authenticate-user";
import { LOGIN_FIRST_DELAY_MS, LOGIN_FREE_FAILURES, LOGIN_MAX_DELAY_MS, loginDelayMs } from "./login-throttle-policy";

let t: TestDb;
const PASSWORD = "a-strong-password-1";

beforeAll(async () => {
  t = await createTestDb();
  await createUser({ db: t.db, email: "Ana@Example.com", password: PASSWORD, role: "admin" });
  await createUser({ db: t.db, email: "bo@example.com", password: PASSWORD, role: "viewer" });
});
afterAll(() => t.drop());

const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

describe("loginDelayMs", () => {
  it("is free up to the scope's failures, then doubles, and never exceeds the cap", () => {
    expect(loginDelayMs({ failures: LOGIN_FREE_FAILURES.account - 1, scope: "account" })).toBe(0);
    expect(loginDelayMs({ failures: LOGIN_FREE_FAILURES.account, scope: "account" })).toBe(LOGIN_FIRST_DELAY_MS);
    expect(loginDelayMs({ failures: LOGIN_FREE_FAILURES.account + 1, scope: "account" })).toBe(2 * LOGIN_FIRST_DELAY_MS);
    expect(loginDelayMs({ failures: 10_000, scope: "account" })).toBe(LOGIN_MAX_DELAY_MS);
  });
});

describe("authenticateUser", () => {
  it("accepts the right password, case-insensitively on the e-mail, with the role", async () => {
    const result = await authenticateUser({ db: t.db, email: "  ANA@example.COM ", password: PASSWORD });
    expect(result).toMatchObject({ ok: true, user: { email: "ana@example.com", role: "admin" } });
  });

  it("answers a wrong password and an unknown e-mail identically, and counts both", async () => {
    const wrong = await authenticateUser({ db: t.db, email: "bo@example.com", password: "wrong-password-0" });
    const unknown = await authenticateUser({ db: t.db, email: "nobody@example.com", password: PASSWORD });
    expect(wrong).toEqual({ ok: false, code: "INVALID_CREDENTIALS" });
    expect(unknown).toEqual(wrong);
    expect(await t.db.loginThrottle.findUnique({ where: { key: "account:nobody@example.com" } })).toMatchObject({ failures: 1 });
  });

  it("after the free failures, waits a doubling delay, and the right password works once it has passed", async () => {
    const email = "ana@example.com";
    const start = new Date("2026-01-05T10:00:00Z");
    for (let i = 0; i < LOGIN_FREE_FAILURES.account; i++) {
      expect(await authenticateUser({ db: t.db, email, password: "nope-nope-nope", now: at(start, i * 1000) })).toEqual({ ok: false, code: "INVALID_CREDENTIALS" });
    }
    const last = at(start, (LOGIN_FREE_FAILURES.account - 1) * 1000);
    expect(await authenticateUser({ db: t.db, email: "ANA@example.com", password: PASSWORD, now: at(last, 1000) })).toEqual({ ok: false, code: "THROTTLED", retryAfterMinutes: 1 });
    // one more wrong guess after the first delay doubles the next one
    expect((await authenticateUser({ db: t.db, email, password: "nope-nope-nope", now: at(last, LOGIN_FIRST_DELAY_MS) })).ok).toBe(false);
    const second = at(last, LOGIN_FIRST_DELAY_MS);
    expect((await authenticateUser({ db: t.db, email, password: PASSWORD, now: at(second, 2 * LOGIN_FIRST_DELAY_MS - 1) })).ok).toBe(false);
    expect((await authenticateUser({ db: t.db, email, password: PASSWORD, now: at(second, 2 * LOGIN_FIRST_DELAY_MS) })).ok).toBe(true);
    expect(await t.db.loginThrottle.findUnique({ where: { key: `account:${email}` } })).toBeNull();
  });

  it("a success resets the account's count, so earlier failures do not add up to a lock-out", async () => {
    const email = "bo@example.com";
    await t.db.loginThrottle.deleteMany();
    const now = new Date("2026-01-06T10:00:00Z");
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < LOGIN_FREE_FAILURES.account - 1; i++) await authenticateUser({ db: t.db, email, password: "bad-password-00", now, clientAddress: `198.51.100.${round}` });
      expect((await authenticateUser({ db: t.db, email, password: PASSWORD, now, clientAddress: `198.51.100.${round}` })).ok).toBe(true);
    }
  });
});
