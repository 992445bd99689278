import type { DefaultSession } from "next-auth";
import type { UserRole } from "@/lib/users/schemas";
// Module augmentation must use `interface` (a `type` cannot merge into next-auth's declarations).

declare module "next-auth" {
  interface User {
    role: UserRole;
    sessionVersion: number;
  }
  interface Session {
    user?: DefaultSession["user"] & { id: string; role?: UserRole; sessionVersion?: number; authTime?: number };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: UserRole;
    /** The user's sessionVersion at sign-in. */
    sv?: number;
    /** Sign-in time, seconds since the epoch: the session's absolute lifetime counts from here. */
    authTime?: number;
  }
}
