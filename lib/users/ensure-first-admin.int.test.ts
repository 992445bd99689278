import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/test/db";
import { createDb } from "@/lib/db";
import { authenticateUser } from "@/lib/auth/authenticate-user";
import { DEFAULT_ADMIN_EMAIL, ensureFirstAdmin } from "./ensure-first-admin";
import { createUser } from "./create-user";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(() => t.drop());

describe("ensureFirstAdmin", () => {
  it("creates the given admin on an empty database and returns no password", async () => {
    const result = await ensureFirstAdmin({ db: t.db, email: "Owner@Example.com", password: "given-password-1" });
    expect(result).toEqual({ created: true, email: "owner@example.com" });
    expect(await authenticateUser({ db: t.db, email: "owner@example.com", password: "given-password-1" })).toMatchObject({
      ok: true,
      user: { role: "admin" },
    });
  });

  it("without e-mail and password, creates the default admin with a generated password that works", async () => {
    const result = await ensureFirstAdmin({ db: t.db });
    expect(result).toMatchObject({ created: true, email: DEFAULT_ADMIN_EMAIL });
    if (!result.created || !result.password) throw new Error("expected a generated password");
    expect(result.password.length).toBeGreaterThanOrEqual(20);
    expect((await authenticateUser({ db: t.db, email: DEFAULT_ADMIN_EMAIL, password: result.password })).ok).toBe(true);
  });

  it("does nothing once any user exists, even a viewer", async () => {
    await createUser({ db: t.db, email: "someone@example.com", password: "long-enough-pw", role: "viewer" });
    expect(await ensureFirstAdmin({ db: t.db, email: "x@example.com", password: "given-password-1" })).toEqual({ created: false });
    expect(await t.db.user.count()).toBe(1);
  });

  it("creates exactly one admin when several processes call it at once", async () => {
    const clients = Array.from({ length: 5 }, () => createDb(t.url, { max: 2 }));
    try {
      const results = await Promise.all(clients.map((db) => ensureFirstAdmin({ db })));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await t.db.user.count()).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()));
    }
  });
});
