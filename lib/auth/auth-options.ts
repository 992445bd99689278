import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { endUserSessions } from "@/lib/users/end-user-sessions";
import { authenticateUser } from "./authenticate-user";
import { createDeviceToken, DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECONDS, readDeviceToken } from "./device-token";
import { normaliseEmail } from "./login-throttle-policy";
import { LOGIN_ERROR } from "./login-error";
import { isSessionFresh, SESSION_MAX_AGE_SECONDS } from "./session-lifetime";

let cached: NextAuthOptions | undefined;

type Headers = Record<string, string | string[] | undefined>;

/**
 * The client address of a sign-in: the first X-Forwarded-For entry (`next start` sets it to the
 * socket's address when a client sends none; behind a reverse proxy, let the proxy overwrite it).
 */
const clientAddressOf = (headers: Headers): string | undefined => {
  const value = headers["x-forwarded-for"];
  return (Array.isArray(value) ? value[0] : value)?.split(",")[0]?.trim() || undefined;
};

/** A cookie's value from a Cookie header. */
const cookieOf = (headers: Headers, name: string): string | undefined => {
  const header = headers.cookie;
  for (const part of (Array.isArray(header) ? header.join("; ") : (header ?? "")).split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
};

/** Marks this browser as one that signed in to `email` (the route handler's response carries the cookie). */
const rememberDevice = async (email: string) => {
  const { cookies } = await import("next/headers");
  (await cookies()).set(DEVICE_COOKIE, createDeviceToken({ secret: env().NEXTAUTH_SECRET!, email }), {
    httpOnly: true,
    sameSite: "lax",
    secure: (env().NEXTAUTH_URL ?? "").startsWith("https://"),
    path: "/",
    maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
  });
};

/**
 * next-auth v4 configuration: e-mail + password (Credentials), JWT sessions that carry the user
 * id, the user's sessionVersion and the sign-in time. A session lasts SESSION_MAX_AGE_SECONDS from
 * sign-in (the JWT's expiry is the same, not next-auth's default 30 days); every server request
 * re-checks it against the database (resolve-session-user.ts). Signing out bumps the user's
 * sessionVersion, so a copied cookie stops working too (and the user's other sessions end).
 * Built on first use, so importing this module reads no configuration (next build).
 */
export const authOptions = (): NextAuthOptions =>
  (cached ??= {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "E-mail and password",
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        // next-auth sends a thrown error's message to the browser, so only our codes may be thrown.
        authorize: async (credentials, req) => {
          const headers = (req?.headers ?? {}) as Headers;
          const email = normaliseEmail(credentials?.email ?? "");
          const result = await authenticateUser({
            db: db(),
            email,
            password: credentials?.password ?? "",
            clientAddress: clientAddressOf(headers),
            deviceId: readDeviceToken({ secret: env().NEXTAUTH_SECRET!, email, token: cookieOf(headers, DEVICE_COOKIE) }),
          }).catch((err: unknown) => {
            console.error("[ml-connector] sign-in check failed", err);
            throw new Error(LOGIN_ERROR.UNAVAILABLE);
          });
          if (result.ok) {
            await rememberDevice(email).catch((err: unknown) => console.error("[ml-connector] could not set the device cookie", err));
            const { id, name, role, sessionVersion } = result.user;
            return { id, email: result.user.email, name, role, sessionVersion };
          }
          if (result.code === "THROTTLED") throw new Error(`${LOGIN_ERROR.THROTTLED}:${result.retryAfterMinutes}`);
          throw new Error(LOGIN_ERROR.INVALID);
        },
      }),
    ],
    callbacks: {
      jwt: ({ token, user }) => {
        if (user) {
          token.sub = user.id;
          token.role = user.role;
          token.sv = user.sessionVersion;
          token.authTime = Math.floor(Date.now() / 1000);
        }
        // next-auth re-issues the cookie on each session read; past the lifetime it clears it instead.
        if (!isSessionFresh({ authTime: token.authTime })) throw new Error("SESSION_EXPIRED");
        return token;
      },
      session: ({ session, token }) => {
        if (session.user) {
          session.user.id = token.sub ?? "";
          session.user.role = token.role;
          session.user.sessionVersion = token.sv;
          session.user.authTime = token.authTime;
        }
        return session;
      },
    },
    events: {
      // Only a token that is still current may end the user's sessions (a stale copy cannot keep signing them out).
      signOut: async ({ token }) => {
        if (token?.sub && typeof token.sv === "number") {
          await endUserSessions({ db: db(), userId: token.sub, ifVersion: token.sv });
        }
      },
    },
  });
