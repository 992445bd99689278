import { ZodError } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/test/db";
import { authenticateUser } from "@/lib/auth/authenticate-user";
import { changePassword } from "./change-password";
import { changeUserRole } from "./change-user-role";
import { createUser } from "./create-user";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

describe("changePassword", () => {
  it("replaces the password only when the current one is given", async () => {
    const user = await createUser({ db: t.db, email: "p@example.com", password: "initial-password-1" });
    await expect(
      changePassword({ db: t.db, userId: user.id, currentPassword: "not-it-at-all", newPassword: "brand-new-password" }),
    ).rejects.toMatchObject({ code: "WRONG_PASSWORD", status: 422 });

    await changePassword({ db: t.db, userId: user.id, currentPassword: "initial-password-1", newPassword: "brand-new-password" });
    expect((await authenticateUser({ db: t.db, email: "p@example.com", password: "initial-password-1" })).ok).toBe(false);
    expect((await authenticateUser({ db: t.db, email: "p@example.com", password: "brand-new-password" })).ok).toBe(true);
  });

  it("rejects a short new password or the same one", async () => {
    const user = await createUser({ db: t.db, email: "q@example.com", password: "initial-password-1" });
    const short = changePassword({ db: t.db, userId: user.id, currentPassword: "initial-password-1", newPassword: "short" });
    await expect(short).rejects.toBeInstanceOf(ZodError);
    const same = changePassword({ db: t.db, userId: user.id, currentPassword: "initial-password-1", newPassword: "initial-password-1" });
    await expect(same).rejects.toThrow(/must differ/);
  });
});

describe("changeUserRole", () => {
  it("promotes and demotes, but never the last admin, even when two admins demote each other at once", async () => {
    const db = t.db;
    await db.user.deleteMany();
    const a = await createUser({ db, email: "a@example.com", password: "long-enough-pw", role: "admin" });
    const b = await createUser({ db, email: "b@example.com", password: "long-enough-pw", role: "viewer" });

    await expect(changeUserRole({ db, userId: a.id, role: "viewer" })).rejects.toMatchObject({ code: "LAST_ADMIN", status: 409 });
    expect(await changeUserRole({ db, userId: b.id, role: "admin" })).toMatchObject({ role: "admin" });

    const results = await Promise.allSettled([
      changeUserRole({ db, userId: a.id, role: "viewer" }),
      changeUserRole({ db, userId: b.id, role: "viewer" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.user.count({ where: { role: "admin" } })).toBe(1);
  });

  it("answers NOT_FOUND for an unknown user", async () => {
    await expect(changeUserRole({ db: t.db, userId: "7a1c7c8e-4f7b-4a57-9d1e-0c8a3f5d2b11", role: "admin" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
