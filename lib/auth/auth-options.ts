import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { authenticateUser } from "./authenticate-user";
import { LOGIN_ERROR } from "./login-error";

/** A finance admin's working day; after that, sign in again. */
const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

let cached: NextAuthOptions | undefined;

/**
 * next-auth v4 configuration: e-mail + password (Credentials), JWT sessions that carry the user
 * id and role. Built on first use, so importing this module reads no configuration (next build).
 */
export const authOptions = (): NextAuthOptions =>
  (cached ??= {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
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
          if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.name, role: result.user.role };
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
        }
        return token;
      },
      session: ({ session, token }) => {
        if (session.user) {
          session.user.id = token.sub ?? "";
          session.user.role = token.role;
        }
        return session;
      },
    },
  });
