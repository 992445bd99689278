import { z } from "zod";
import { describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session-user";
import { route } from "./route";

const admin: SessionUser = { id: "a", email: "a@example.com", name: null, role: "admin" };
const viewer: SessionUser = { id: "v", email: "v@example.com", name: null, role: "viewer" };
const as = (user: SessionUser | null) => async () => user;

describe("route", () => {
  const handler = route(
    {
      params: z.strictObject({ connectionId: z.uuid() }),
      query: z.strictObject({ limit: z.coerce.number().int().max(100).default(20) }),
      body: z.strictObject({ name: z.string().min(1) }),
      access: "admin",
      getUser: as(admin),
    },
    async ({ params, query, body, user }) => ({ id: params.connectionId, limit: query.limit, name: body.name, by: user.email }),
  );
  const id = "7a1c7c8e-4f7b-4a57-9d1e-0c8a3f5d2b11";
  const post = (url: string, body: string) => new Request(url, { method: "POST", body, headers: { "content-type": "application/json" } });

  it("parses params, query and body and answers JSON", async () => {
    const res = await handler(post("http://x/api/c?limit=5", '{"name":"Zuora EU"}'), { params: Promise.resolve({ connectionId: id }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id, limit: 5, name: "Zuora EU", by: "a@example.com" });
  });

  it.each([
    ["a bad path param", "http://x/api/c", '{"name":"a"}', "not-a-uuid", /^connectionId: /],
    ["an unknown query key", "http://x/api/c?limit=5&debug=1", '{"name":"a"}', id, /debug/],
    ["a bad body", "http://x/api/c", '{"name":""}', id, /^name: /],
    ["a body that is not JSON", "http://x/api/c", "{oops", id, /not valid JSON/],
  ])("answers 422 for %s", async (_, url, body, connectionId, message) => {
    const res = await handler(post(url, body), { params: Promise.resolve({ connectionId }) });
    expect(res.status).toBe(422);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe("INVALID_INPUT");
    expect(json.error.message).toMatch(message);
  });

  it("answers 401 without a user and 403 for a viewer on an admin route, before parsing anything", async () => {
    let calls = 0;
    const spec = { body: z.strictObject({ x: z.string() }), access: "admin" as const };
    const fn = async () => ++calls;
    const anon = await route({ ...spec, getUser: as(null) }, fn)(post("http://x/", "{}"));
    const asViewer = await route({ ...spec, getUser: as(viewer) }, fn)(post("http://x/", "{}"));
    expect([anon.status, asViewer.status]).toEqual([401, 403]);
    expect(await asViewer.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect(calls).toBe(0);
  });

  it("lets a public route through without looking at the session", async () => {
    const res = await route({ access: "public", getUser: () => Promise.reject(new Error("must not be called")) }, async ({ user }) => ({ user }))(
      new Request("http://x/api/health"),
    );
    expect(await res.json()).toEqual({ user: null });
  });

  it("passes a Response through and hides unexpected errors behind a 500", async () => {
    const custom = await route({ getUser: as(viewer) }, async () => new Response("x", { status: 202 }))(new Request("http://x/"));
    expect(custom.status).toBe(202);
    const boom = await route({ getUser: as(viewer) }, async () => {
      throw new Error("db password is hunter2");
    })(new Request("http://x/"));
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain("hunter2");
  });
});
