import { decode, encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authOptions } from "../../lib/auth/auth-options";
import { authenticateUser } from "../../lib/auth/authenticate-user";
import { resolveSessionUser } from "../../lib/auth/resolve-session-user";
import { SESSION_MAX_AGE_SECONDS } from "../../lib/auth/session-lifetime";
import { changePassword } from "../../lib/users/change-password";
import { changeUserRole } from "../../lib/users/change-user-role";
import { createUser } from "../../lib/users/create-user";
import { createTestDb, type TestDb } from "../db";

/*
 * Sessions are revocable and last what the README says (issue 16, security 4), on a real Postgres
 * and next-auth's real callbacks and JWT encoding: a token minted at sign-in stops opening a
 * session after a password change, a sign-out, or a demotion, and never outlives 8 hours.
 * The browser journey with a copied cookie is in e2e/auth.spec.ts.
 */

process.env.NEXTAUTH_SECRET ??= "a-test-secret-of-sufficient-length-0000";
const PASSWORD = "a-strong-password-1";

describe("session revocation and lifetime", () => {
  let t: TestDb;
  const g = globalThis as unknown as { mlConnectorDb?: unknown };
  const options = () => authOptions();

  /** Signs in as next-auth does: authorize, then the jwt callback, then the cookie's JWT, decoded by a later request. */
  const signIn = async (email: string, password = PASSWORD) => {
    const result = await authenticateUser({ db: t.db, email, password });
    if (!result.ok) throw new Error(`sign-in refused: ${result.code}`);
    const token = await options().callbacks!.jwt!({ token: {}, user: result.user, account: null } as never);
    const secret = options().secret!;
    const cookie = await encode({ token, secret, maxAge: options().jwt!.maxAge });
    return { cookie, secret };
  };

  /** What a later request gets from that cookie: next-auth decodes it, runs the callbacks, and we check the database. */
  const userOf = async ({ cookie, secret }: { cookie: string; secret: string }, now = new Date()) => {
    const token = await decode({ token: cookie, secret });
    if (!token) return null;
    const refreshed = await options().callbacks!.jwt!({ token } as never);
    const session = await options().callbacks!.session!({ session: { user: {}, expires: "" }, token: refreshed } as never);
    return resolveSessionUser({ db: t.db, claims: (session as { user?: object }).user, now });
  };

  beforeAll(async () => {
    t = await createTestDb();
    g.mlConnectorDb = t.db;
    await createUser({ db: t.db, email: "admin@rev.test", password: PASSWORD, role: "admin" });
    await createUser({ db: t.db, email: "other-admin@rev.test", password: PASSWORD, role: "admin" });
  });
  afterAll(async () => {
    delete g.mlConnectorDb;
    await t.drop();
  });

  it("the token and the cookie last 8 hours, not next-auth's default 30 days", async () => {
    expect(options().jwt?.maxAge).toBe(SESSION_MAX_AGE_SECONDS);
    expect(options().session?.maxAge).toBe(SESSION_MAX_AGE_SECONDS);
    expect(SESSION_MAX_AGE_SECONDS).toBe(8 * 60 * 60);
    const { cookie, secret } = await signIn("admin@rev.test");
    const token = await decode({ token: cookie, secret });
    expect(Number(token?.exp) - Number(token?.iat)).toBe(SESSION_MAX_AGE_SECONDS);
  });

  it("8 hours after sign-in the session is over, however often it was refreshed", async () => {
    const session = await signIn("admin@rev.test");
    expect(await userOf(session)).toMatchObject({ email: "admin@rev.test" });
    const later = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000 + 1000);
    const token = await decode({ token: session.cookie, secret: session.secret });
    // a re-issued cookie keeps the sign-in time, so refreshing does not extend it
    const refreshed = await options().callbacks!.jwt!({ token: token! } as never);
    expect(refreshed.authTime).toBe(token!.authTime);
    const old = { ...token, authTime: Math.floor(Date.now() / 1000) - SESSION_MAX_AGE_SECONDS - 1 };
    await expect(Promise.resolve().then(() => options().callbacks!.jwt!({ token: old } as never))).rejects.toThrow("SESSION_EXPIRED");
    expect(await resolveSessionUser({ db: t.db, claims: { id: token!.sub!, sessionVersion: token!.sv, authTime: token!.authTime }, now: later })).toBeNull();
  });

  it("a password change ends every earlier session; the new password opens a new one", async () => {
    const before = await signIn("admin@rev.test");
    const user = await userOf(before);
    await changePassword({ db: t.db, userId: user!.id, currentPassword: PASSWORD, newPassword: "a-new-password-2" });
    expect(await userOf(before)).toBeNull();
    const after = await signIn("admin@rev.test", "a-new-password-2");
    expect(await userOf(after)).toMatchObject({ email: "admin@rev.test" });
    await changePassword({ db: t.db, userId: user!.id, currentPassword: "a-new-password-2", newPassword: PASSWORD });
  });

  it("signing out ends the copied cookie too; signing out with a stale copy ends nothing", async () => {
    const first = await signIn("admin@rev.test");
    const copy = { ...first };
    const signOut = async (cookie: string) => options().events!.signOut!({ token: (await decode({ token: cookie, secret: first.secret }))! } as never);
    await signOut(first.cookie);
    expect(await userOf(copy)).toBeNull();

    const second = await signIn("admin@rev.test");
    await signOut(copy.cookie); // the stale copy
    expect(await userOf(second)).toMatchObject({ email: "admin@rev.test" });
  });

  it("a demotion ends the demoted user's sessions, not the other admin's", async () => {
    const demoted = await signIn("other-admin@rev.test");
    const kept = await signIn("admin@rev.test");
    const id = (await userOf(demoted))!.id;
    await changeUserRole({ db: t.db, userId: id, role: "viewer" });
    expect(await userOf(demoted)).toBeNull();
    expect(await userOf(kept)).toMatchObject({ role: "admin" });
    expect(await userOf(await signIn("other-admin@rev.test"))).toMatchObject({ role: "viewer" });
  });

  it("a token from before session versions (no version in it) opens nothing", async () => {
    const { cookie, secret } = await signIn("admin@rev.test");
    const token = await decode({ token: cookie, secret });
    const legacy = await encode({ token: { sub: token!.sub, role: "admin" }, secret });
    expect(await resolveSessionUser({ db: t.db, claims: { id: token!.sub! } })).toBeNull();
    await expect(userOf({ cookie: legacy, secret })).rejects.toThrow("SESSION_EXPIRED");
  });
});
