import { ZodError } from "zod";

/**
 * Error codes shared across domains. Domain-specific codes (e.g. a vendor's) stay in their
 * domain and extend this map there; do not pile them in here.
 */
export const APP_ERROR_STATUS = {
  /** No session, or the session's user no longer exists. */
  UNAUTHENTICATED: 401,
  /** Signed in, but the role does not allow the operation. */
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  /** A unique value (e.g. an e-mail address) is already taken. */
  CONFLICT: 409,
  /** Input failed validation; `message` names the first problem. */
  INVALID_INPUT: 422,
  /** Too many failed attempts; the message says when to retry. */
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_STATUS | (string & {});

export type AppErrorOptions = {
  /** Detail for logs and developers. Defaults to `userMessage`. */
  message?: string;
  /** Text safe to show a finance admin. Defaults to a generic sentence. */
  userMessage?: string;
  /** HTTP status; defaults to the code's entry in APP_ERROR_STATUS, else 500. */
  status?: number;
  cause?: unknown;
  /** Form problems by field path ("baseUrl", "secrets.clientSecret", "settings.tenant"), each fit for the user. */
  fields?: Record<string, string>;
};

/** An expected failure with a stable code and a message fit for the user. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly userMessage: string;
  readonly status: number;
  readonly fields?: Record<string, string>;

  constructor(code: AppErrorCode, { message, userMessage, status, cause, fields }: AppErrorOptions = {}) {
    super(message ?? userMessage ?? code, { cause });
    this.name = "AppError";
    this.code = code;
    this.userMessage = userMessage ?? message ?? "Something went wrong.";
    this.status = status ?? (APP_ERROR_STATUS as Record<string, number>)[code] ?? 500;
    if (fields) this.fields = fields;
  }
}

/** The JSON body of every error answer and the `error` of a failed action result. */
export type ErrorBody = { code: string; message: string; fields?: Record<string, string> };

const isPrismaNotFound = (err: unknown) =>
  typeof err === "object" && err !== null && "code" in err && (err as { code: unknown }).code === "P2025";

/** First zod issue as one readable sentence: "email: Enter a valid e-mail address". */
export const describeZodError = (err: ZodError): string => {
  const issue = err.issues[0];
  if (!issue) return "Invalid input.";
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return `${where}${issue.message}`;
};

/** The first message per field path of a ZodError ("settings.tenant" -> "Enter the tenant"), for forms. */
export const zodFieldErrors = (err: ZodError): Record<string, string> => {
  const fields: Record<string, string> = {};
  for (const issue of err.issues) {
    const path = issue.path.join(".");
    if (path && !(path in fields)) fields[path] = issue.message;
  }
  return fields;
};

/**
 * Maps any thrown value to `{ status, body }`: ZodError -> 422, AppError -> its status,
 * Prisma P2025 -> 404, anything else -> 500 with a generic message (the cause is logged, never sent).
 */
export const toErrorBody = (err: unknown): { status: number; body: ErrorBody } => {
  if (err instanceof ZodError) {
    const fields = zodFieldErrors(err);
    return { status: 422, body: { code: "INVALID_INPUT", message: describeZodError(err), ...(Object.keys(fields).length ? { fields } : {}) } };
  }
  if (err instanceof AppError) return { status: err.status, body: { code: err.code, message: err.userMessage, ...(err.fields ? { fields: err.fields } : {}) } };
  if (isPrismaNotFound(err)) return { status: 404, body: { code: "NOT_FOUND", message: "Not found." } };
  console.error("[ml-connector] unexpected error", err);
  return { status: 500, body: { code: "INTERNAL", message: "Something went wrong. The error was logged." } };
};

/** A JSON `Response` for a route handler: `{ error: { code, message } }` with the mapped status. */
export const toHttpResponse = (err: unknown): Response => {
  const { status, body } = toErrorBody(err);
  return Response.json({ error: body }, { status });
};
