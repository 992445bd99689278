import { ZodError } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/test/db";
import { verifyPassword } from "@/lib/auth/verify-password";
import { AppError } from "@/lib/errors";
import { createUser } from "./create-user";
import { inviteUser } from "./invite-user";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

describe("createUser", () => {
  it("stores a lower-cased e-mail, the role and an argon2id hash (never the password)", async () => {
    const user = await createUser({ db: t.db, email: " Finance.Lead@Example.com", password: "twelve-chars", role: "admin" });
    expect(user).toMatchObject({ email: "finance.lead@example.com", role: "admin" });
    const row = await t.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain("twelve-chars");
    expect(await verifyPassword({ hash: row.passwordHash, password: "twelve-chars" })).toBe(true);
  });

  it("defaults the role to viewer", async () => {
    expect(await createUser({ db: t.db, email: "v@example.com", password: "123456789012" })).toMatchObject({ role: "viewer" });
  });

  it.each([
    [{ email: "not-an-email", password: "long-enough-pw", role: "viewer" }, /e-mail/],
    [{ email: "short@example.com", password: "elevenchars", role: "viewer" }, /at least 12 characters/],
    [{ email: "role@example.com", password: "long-enough-pw", role: "owner" }, /admin or viewer/],
  ])("rejects invalid input %#", async (input, message) => {
    const attempt = createUser({ db: t.db, ...(input as { email: string; password: string; role: "viewer" }) });
    await expect(attempt).rejects.toBeInstanceOf(ZodError);
    await expect(attempt).rejects.toThrow(message);
  });

  it("refuses a taken e-mail, whatever its case, with a CONFLICT", async () => {
    await createUser({ db: t.db, email: "dup@example.com", password: "long-enough-pw" });
    const attempt = createUser({ db: t.db, email: "DUP@example.com", password: "long-enough-pw" });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: "CONFLICT", status: 409 });
  });
});

describe("inviteUser", () => {
  it("creates the user with a generated password that signs in", async () => {
    const { user, initialPassword } = await inviteUser({ db: t.db, email: "new@example.com", role: "viewer" });
    expect(initialPassword.replaceAll("-", "")).toHaveLength(20);
    const row = await t.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword({ hash: row.passwordHash, password: initialPassword })).toBe(true);
  });
});
