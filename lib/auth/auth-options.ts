import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { endUserSessions } from "@/lib/users/end-user-sessions";
import { authenticateUser } from "./authenticate-user";
import { LOGIN_ERROR } from "./login-error";
import { isSessionFresh, SESSION_MAX_AGE_SECONDS } from "./session-lifetime";

let cached: NextAuthOptions | undefined;

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
        authorize: async (credentials) => {
          const result = await authenticateUser({
            db: db(),
            email: credentials?.email ?? "",
            password: credentials?.password ?? "",
          }).catch((err: unknown) => {
            console.error("[ml-connector] sign-in check failed", err);
            throw new Error(LOGIN_ERROR.UNAVAILABLE);
          });
          if (result.ok) {
            const { id, email, name, role, sessionVersion } = result.user;
            return { id, email, name, role, sessionVersion };
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
