import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/test/db";
import { authenticateUser } from "@/lib/auth/authenticate-user";
import { resolveSessionUser } from "@/lib/auth/resolve-session-user";
import { createUser } from "./create-user";
import { removeUser } from "./remove-user";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const PASSWORD = "long-enough-pw-1";
const sessionOf = (user: { id: string; sessionVersion: number }) => ({ id: user.id, sessionVersion: user.sessionVersion, authTime: Math.floor(Date.now() / 1000) });

describe("removeUser", () => {
  it("removes a user, whose session then opens nothing and whose password no longer signs in", async () => {
    await createUser({ db: t.db, email: "boss@example.com", password: PASSWORD, role: "admin" });
    const gone = await createUser({ db: t.db, email: "leaver@example.com", password: PASSWORD, role: "viewer" });
    const signedIn = await authenticateUser({ db: t.db, email: "leaver@example.com", password: PASSWORD });
    if (!signedIn.ok) throw new Error("sign-in failed");
    expect(await resolveSessionUser({ db: t.db, claims: sessionOf(signedIn.user) })).toMatchObject({ email: "leaver@example.com" });

    expect(await removeUser({ db: t.db, userId: gone.id })).toEqual({ email: "leaver@example.com" });
    expect(await resolveSessionUser({ db: t.db, claims: sessionOf(signedIn.user) })).toBeNull();
    expect(await authenticateUser({ db: t.db, email: "leaver@example.com", password: PASSWORD })).toEqual({ ok: false, code: "INVALID_CREDENTIALS" });
    await expect(removeUser({ db: t.db, userId: gone.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("the only admin cannot remove themselves; with a second admin either can go, never both at once", async () => {
    await t.db.user.deleteMany();
    const a = await createUser({ db: t.db, email: "a@example.com", password: PASSWORD, role: "admin" });
    await expect(removeUser({ db: t.db, userId: a.id })).rejects.toMatchObject({ code: "LAST_ADMIN", status: 409 });
    expect(await t.db.user.count()).toBe(1);

    const b = await createUser({ db: t.db, email: "b@example.com", password: PASSWORD, role: "admin" });
    const results = await Promise.allSettled([removeUser({ db: t.db, userId: a.id }), removeUser({ db: t.db, userId: b.id })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await t.db.user.count({ where: { role: "admin" } })).toBe(1);
  });
});
