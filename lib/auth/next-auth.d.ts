import type { DefaultSession } from "next-auth";
import type { UserRole } from "@/lib/users/schemas";
// Module augmentation must use `interface` (a `type` cannot merge into next-auth's declarations).

declare module "next-auth" {
  interface User {
    role: UserRole;
  }
  interface Session {
    user?: DefaultSession["user"] & { id: string; role?: UserRole };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: UserRole;
  }
}
