import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/test/db";
import type { SessionUser } from "@/lib/auth/session-user";
import { AppError } from "@/lib/errors";
import { inviteUser } from "@/lib/users/invite-user";
import { inviteUserInputSchema } from "@/lib/users/schemas";
import { createUser } from "@/lib/users/create-user";
import { authedAction } from "./authed-action";

let t: TestDb;
let admin: SessionUser;
let viewer: SessionUser;
beforeAll(async () => {
  t = await createTestDb();
  admin = await createUser({ db: t.db, email: "admin@example.com", password: "long-enough-pw", role: "admin" });
  viewer = await createUser({ db: t.db, email: "viewer@example.com", password: "long-enough-pw", role: "viewer" });
});
afterAll(() => t.drop());

const inviteAs = (user: SessionUser | null) =>
  authedAction(inviteUserInputSchema, ({ input }) => inviteUser({ db: t.db, ...input }), {
    role: "admin",
    getUser: async () => user,
  });

describe("authedAction", () => {
  it("refuses a viewer on the server with FORBIDDEN and never runs the action", async () => {
    const result = await inviteAs(viewer)({ email: "sneaky@example.com", role: "admin" });
    expect(result).toEqual({ ok: false, error: { code: "FORBIDDEN", message: expect.stringMatching(/Only an admin/) } });
    expect(await t.db.user.findUnique({ where: { email: "sneaky@example.com" } })).toBeNull();
  });

  it("refuses a caller without a session with UNAUTHENTICATED", async () => {
    expect(await inviteAs(null)({ email: "anon@example.com", role: "viewer" })).toMatchObject({
      ok: false,
      error: { code: "UNAUTHENTICATED" },
    });
  });

  it("runs for an admin and returns the data", async () => {
    const result = await inviteAs(admin)({ email: "new.viewer@example.com", role: "viewer" });
    expect(result).toMatchObject({ ok: true, data: { user: { email: "new.viewer@example.com", role: "viewer" } } });
  });

  it("turns invalid input into INVALID_INPUT naming the field", async () => {
    const result = await inviteAs(admin)({ email: "nope", role: "viewer" });
    expect(result).toEqual({ ok: false, error: { code: "INVALID_INPUT", message: "email: Enter a valid e-mail address", fields: { email: "Enter a valid e-mail address" } } });
  });

  it("passes AppError codes through and hides unexpected errors", async () => {
    const conflict = await inviteAs(admin)({ email: "new.viewer@example.com", role: "viewer" });
    expect(conflict).toMatchObject({ ok: false, error: { code: "CONFLICT" } });

    const boom = authedAction(z.object({}), async () => {
      throw new Error("secret detail");
    }, { getUser: async () => viewer });
    const result = await boom({});
    expect(result).toMatchObject({ ok: false, error: { code: "INTERNAL" } });
    expect(JSON.stringify(result)).not.toContain("secret detail");
  });

  it("lets any signed-in user through when no role is required", async () => {
    const whoAmI = authedAction(z.object({}), async ({ user }) => user.email, { getUser: async () => viewer });
    expect(await whoAmI({})).toEqual({ ok: true, data: "viewer@example.com" });
    expect(new AppError("FORBIDDEN").status).toBe(403);
  });
});
