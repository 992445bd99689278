import { expect, test } from "./fixtures";
import { E2E_ADMIN } from "./support";

test("signed-out API calls get 401 JSON while /api/health answers", async ({ request }) => {
  for (const path of ["/api/me", "/api/connections", "/api/anything/else"]) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.status(), path).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "UNAUTHENTICATED", message: "Sign in to use this API." } });
  }

  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  const body = await health.json();
  expect(body).toMatchObject({
    status: "ok",
    database: { ok: true, latencyMs: expect.any(Number) },
    worker: { ok: true, lastHeartbeatAt: expect.any(String), ageSeconds: expect.any(Number), workers: expect.any(Number) },
  });
  expect(body.worker.workers).toBeGreaterThanOrEqual(1);
  expect(health.headers()["cache-control"]).toBe("no-store");
});

test("a signed-in API call returns the user and role", async ({ adminPage }) => {
  const res = await adminPage.request.get("/api/me");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ email: E2E_ADMIN.email, role: "admin" });
});

test("every answer carries the security headers", async ({ request }) => {
  for (const path of ["/login", "/api/health"]) {
    const headers = (await request.get(path)).headers();
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["x-powered-by"], path).toBeUndefined();
  }
});
