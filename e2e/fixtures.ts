import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN } from "./support";

/**
 * Signs `request` in through next-auth's own endpoints (CSRF token, then the credentials
 * callback), as the login form does, without rendering it. Its cookies then belong to the
 * browser context the request came from.
 */
export const signInByApi = async (request: APIRequestContext, { email, password }: { email: string; password: string }) => {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
    maxRedirects: 0,
  });
  expect(res.status(), `sign-in of ${email}`).toBeLessThan(400);
  const session = (await (await request.get("/api/auth/session")).json()) as { user?: { email?: string } };
  expect(session.user?.email, `session of ${email}`).toBe(email);
};

/**
 * `adminPage`: a page already signed in as the first admin (for journeys that are not about
 * signing in; the login form itself is covered by auth.spec.ts).
 */
export const test = base.extend<{ adminPage: Page }>({
  adminPage: async ({ page }, use) => {
    await signInByApi(page.request, E2E_ADMIN);
    await use(page);
  },
});

export { expect };
