import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authedAction } from "../../lib/actions/authed-action";
import { route } from "../../lib/api/route";
import type { SessionUser } from "../../lib/auth/session-user";
import { createTestDb, type TestDb } from "../db";
import { serveRoute, type ServedRoute } from "./http-helpers";

/*
 * Input no form of ours sends (issue 16, security 6): JSON nested 5,000 deep and a lone surrogate
 * ("\ud800") must be refused at the boundary with 400, not fail deep inside as a 500 with a stack
 * trace in the log. The handlers here store their input in a real Postgres jsonb column, as the
 * app's settings and mappings do; Postgres refuses a lone surrogate, and the check must come first.
 */

const admin: SessionUser = { id: "00000000-0000-4000-8000-000000000001", email: "a@x.test", name: null, role: "admin" };
const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

describe("hostile JSON at the API and server-action boundary", () => {
  let t: TestDb;
  let served: ServedRoute;
  const logged = vi.spyOn(console, "error");
  const storeJson = async (value: unknown) => (await t.db.$queryRaw<{ v: unknown }[]>`SELECT ${JSON.stringify(value)}::jsonb AS v`)[0]!.v;

  beforeAll(async () => {
    t = await createTestDb();
    const handler = route({ body: z.unknown(), access: "admin", getUser: async () => admin }, async ({ body }) => ({ stored: await storeJson(body) }));
    served = await serveRoute(handler, /^\/api\/echo$/);
  });
  afterAll(async () => {
    await served.close();
    await t.drop();
  });

  const post = (body: string) => fetch(`${served.url}/api/echo`, { method: "POST", headers: { "content-type": "application/json" }, body });

  it("stores ordinary JSON (the check lets real input through)", async () => {
    const res = await post(JSON.stringify({ name: "Zuora EU 🇪🇺", nested: [[["ok"]]] }));
    expect(res.status).toBe(200);
  });

  it.each([
    ["nested 5,000 deep", deep(5000)],
    ["nested 5,000 deep in objects", '{"a":'.repeat(5000) + "1" + "}".repeat(5000)],
    ["a lone high surrogate in a value", '{"name":"\\ud800"}'],
    ["a lone low surrogate in a key", '{"\\udc00":"x"}'],
  ])("answers 400 for a body %s, logging nothing", async (_, body) => {
    logged.mockClear();
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("MALFORMED_INPUT");
    expect(logged).not.toHaveBeenCalled();
  });

  it("a server action refuses the same input as MALFORMED_INPUT instead of INTERNAL", async () => {
    const action = authedAction(z.strictObject({ note: z.string(), extra: z.unknown().optional() }), async ({ input }) => storeJson(input), { getUser: async () => admin });
    logged.mockClear();
    expect(await action({ note: "\ud800" })).toMatchObject({ ok: false, error: { code: "MALFORMED_INPUT" } });
    expect(await action({ note: "x", extra: JSON.parse(deep(5000)) })).toMatchObject({ ok: false, error: { code: "MALFORMED_INPUT" } });
    expect(await action({ note: "a pair is fine: 😀" })).toMatchObject({ ok: true });
    expect(logged).not.toHaveBeenCalled();
  });
});
