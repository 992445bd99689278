import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/auth-options";

type Context = { params: Promise<{ nextauth: string[] }> };

// GET, POST /api/auth/* – next-auth v4 (sign-in, sign-out, session, CSRF token).
const handler = (req: Request, context: Context) => NextAuth(req as never, context as never, authOptions());

export { handler as GET, handler as POST };
