import type { z } from "zod";
import { assertSaneJson } from "@/lib/api/assert-sane-json";
import { assertRole } from "@/lib/auth/assert-role";
import { getSessionUser } from "@/lib/auth/get-session-user";
import type { SessionUser } from "@/lib/auth/session-user";
import { toErrorBody, type ErrorBody } from "@/lib/errors";
import type { UserRole } from "@/lib/users/schemas";

/** What every server action returns; the client shows `error.message` as is. */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export type AuthedActionOptions = {
  /** Lowest role allowed; default: any signed-in user. */
  role?: UserRole;
  /** Resolves the caller; default: the session of the current request. Tests pass their own. */
  getUser?: () => Promise<SessionUser | null>;
};

/**
 * Wraps a server action: resolves the signed-in user, enforces `role` on the server, refuses input
 * nested absurdly deep or with a lone surrogate (MALFORMED_INPUT, lib/api/assert-sane-json.ts),
 * parses the input with `schema`, runs `fn`, and turns every failure into `{ ok: false, error }`
 * (ZodError -> INVALID_INPUT, AppError -> its code, anything else -> INTERNAL, logged). `fn` never
 * runs for a caller without the role or with invalid input.
 *
 * @example
 * // lib/actions/create-connection.ts
 * "use server";
 * export const createConnectionAction = authedAction(
 *   createConnectionInputSchema,
 *   ({ input, user }) => createConnection({ db: db(), ...input, actorUserId: user.id }),
 *   { role: "admin" },
 * );
 * // client: const result = await createConnectionAction(values); if (!result.ok) show(result.error.message);
 */
export const authedAction =
  <S extends z.ZodType, T>(
    schema: S,
    fn: (args: { input: z.output<S>; user: SessionUser }) => Promise<T>,
    { role, getUser = () => getSessionUser() }: AuthedActionOptions = {},
  ) =>
  async (rawInput: z.input<S>): Promise<ActionResult<T>> => {
    try {
      const user = assertRole(await getUser(), role);
      assertSaneJson(rawInput);
      const input = schema.parse(rawInput);
      return { ok: true, data: await fn({ input, user }) };
    } catch (err) {
      return { ok: false, error: toErrorBody(err).body };
    }
  };
