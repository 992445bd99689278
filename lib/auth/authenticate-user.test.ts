import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/test/db";
import { createUser } from "@/lib/users/create-user";
import { authenticateUser } from "./authenticate-user";
import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from "./login-throttle-policy";

let t: TestDb;
const PASSWORD = "a-strong-password-1";

beforeAll(async () => {
  t = await createTestDb();
  await createUser({ db: t.db, email: "Ana@Example.com", password: PASSWORD, role: "admin" });
  await createUser({ db: t.db, email: "bo@example.com", password: PASSWORD, role: "viewer" });
});
afterAll(() => t.drop());

const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

describe("authenticateUser", () => {
  it("accepts the right password, case-insensitively on the e-mail, with the role", async () => {
    const result = await authenticateUser({ db: t.db, email: "  ANA@example.COM ", password: PASSWORD });
    expect(result).toMatchObject({ ok: true, user: { email: "ana@example.com", role: "admin" } });
  });

  it("answers a wrong password and an unknown e-mail identically", async () => {
    const wrong = await authenticateUser({ db: t.db, email: "bo@example.com", password: "wrong-password-0" });
    const unknown = await authenticateUser({ db: t.db, email: "nobody@example.com", password: PASSWORD });
    expect(wrong).toEqual({ ok: false, code: "INVALID_CREDENTIALS" });
    expect(unknown).toEqual(wrong);
    expect(await t.db.loginThrottle.findUnique({ where: { key: "nobody@example.com" } })).toMatchObject({ failures: 1 });
  });

  it(`locks an address after ${LOGIN_MAX_FAILURES} failures, even for the right password, until the window passes`, async () => {
    const email = "ana@example.com";
    const start = new Date("2026-01-05T10:00:00Z");
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
      expect(await authenticateUser({ db: t.db, email, password: "nope-nope-nope", now: at(start, i * 1000) })).toEqual({
        ok: false,
        code: "INVALID_CREDENTIALS",
      });
    }
    const lastFailure = at(start, (LOGIN_MAX_FAILURES - 1) * 1000);
    const locked = await authenticateUser({ db: t.db, email: "ANA@example.com", password: PASSWORD, now: at(lastFailure, 60_000) });
    expect(locked).toEqual({ ok: false, code: "THROTTLED", retryAfterMinutes: 14 });

    const stillLocked = await authenticateUser({ db: t.db, email, password: PASSWORD, now: at(lastFailure, LOGIN_WINDOW_MS - 1) });
    expect(stillLocked).toEqual({ ok: false, code: "THROTTLED", retryAfterMinutes: 1 });

    const afterWindow = await authenticateUser({ db: t.db, email, password: PASSWORD, now: at(lastFailure, LOGIN_WINDOW_MS + 1) });
    expect(afterWindow.ok).toBe(true);
    expect(await t.db.loginThrottle.findUnique({ where: { key: email } })).toBeNull();
  });

  it("a success resets the count, so earlier failures do not add up to a lock-out", async () => {
    const email = "bo@example.com";
    await t.db.loginThrottle.deleteMany({ where: { key: email } });
    const now = new Date("2026-01-06T10:00:00Z");
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) await authenticateUser({ db: t.db, email, password: "bad-password-00", now });
    expect((await authenticateUser({ db: t.db, email, password: PASSWORD, now })).ok).toBe(true);
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) await authenticateUser({ db: t.db, email, password: "bad-password-00", now });
    expect((await authenticateUser({ db: t.db, email, password: PASSWORD, now })).ok).toBe(true);
  });

  it("failures older than the window start the count again", async () => {
    const email = "old@example.com";
    const start = new Date("2026-01-07T10:00:00Z");
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) await authenticateUser({ db: t.db, email, password: "x-password-000", now: start });
    await authenticateUser({ db: t.db, email, password: "x-password-000", now: at(start, LOGIN_WINDOW_MS + 1000) });
    expect(await t.db.loginThrottle.findUnique({ where: { key: email } })).toMatchObject({ failures: 1 });
  });

  it("counts parallel failures without losing any", async () => {
    const email = "burst@example.com";
    const now = new Date();
    await Promise.all(
      Array.from({ length: 8 }, () => authenticateUser({ db: t.db, email, password: "burst-password-0", now })),
    );
    expect(await t.db.loginThrottle.findUnique({ where: { key: email } })).toMatchObject({ failures: 8 });
  });
});
