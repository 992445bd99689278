import { z } from "zod";
import { assertRole } from "@/lib/auth/assert-role";
import { getSessionUser } from "@/lib/auth/get-session-user";
import type { SessionUser } from "@/lib/auth/session-user";
import { AppError, toHttpResponse } from "@/lib/errors";
import { assertSaneJson } from "./assert-sane-json";
import type { UserRole } from "@/lib/users/schemas";

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export type RouteSpec<P, Q, B> = {
  /** Path segments, e.g. `z.strictObject({ connectionId: z.uuid() })`. */
  params?: P;
  /** Query string as a flat object of strings (a repeated key keeps its last value). */
  query?: Q;
  /**
   * JSON body. A body that is not JSON is answered with 422 INVALID_INPUT; one nested absurdly deep
   * or with a lone surrogate with 400 MALFORMED_INPUT (lib/api/assert-sane-json.ts).
   */
  body?: B;
  /**
   * Who may call: "public" (no session; health, webhooks that verify signatures themselves),
   * "viewer" (any signed-in user, the default) or "admin".
   */
  access?: "public" | UserRole;
  /** Resolves the caller; default: the session of the request. Tests pass their own. */
  getUser?: () => Promise<SessionUser | null>;
};

export type RouteArgs<P, Q, B, A> = {
  req: Request;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  /** The caller; null only for `access: "public"`. */
  user: A extends "public" ? SessionUser | null : SessionUser;
};

type RouteContext = { params?: Promise<Record<string, string | string[] | undefined>> };

const readJson = async (req: Request): Promise<unknown> => {
  const text = await req.text();
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_INPUT", { userMessage: "The request body is not valid JSON." });
  }
  assertSaneJson(value);
  return value;
};

/**
 * Wraps a route handler: checks the session and role, parses params, query and body with their
 * schemas before `handler` runs, and maps every failure through `toHttpResponse` (401/403/422/...).
 * A handler may return a `Response` or any JSON-serialisable value (sent as 200 JSON).
 *
 * @example
 * // app/api/connections/[connectionId]/route.ts
 * // GET /api/connections/[connectionId] – one connection without its secrets.
 * export const GET = route({ params: z.strictObject({ connectionId: z.uuid() }) }, ({ params }) =>
 *   getConnection({ db: db(), id: params.connectionId }),
 * );
 */
export const route =
  <P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined, A extends "public" | UserRole = "viewer">(
    spec: RouteSpec<P, Q, B> & { access?: A },
    handler: (args: RouteArgs<P, Q, B, A>) => Promise<unknown>,
  ) =>
  async (req: Request, context: RouteContext = {}): Promise<Response> => {
    try {
      const { access = "viewer", getUser = () => getSessionUser() } = spec;
      const user = access === "public" ? null : assertRole(await getUser(), access);
      const params = spec.params ? spec.params.parse((await context.params) ?? {}) : undefined;
      const query = spec.query ? spec.query.parse(Object.fromEntries(new URL(req.url).searchParams)) : undefined;
      const body = spec.body ? spec.body.parse(await readJson(req)) : undefined;
      const result = await handler({ req, params, query, body, user } as RouteArgs<P, Q, B, A>);
      return result instanceof Response ? result : Response.json(result);
    } catch (err) {
      return toHttpResponse(err);
    }
  };
