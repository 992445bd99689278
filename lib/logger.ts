import pino, { type Logger } from "pino";
import { env } from "./env";

/**
 * Paths whose values are never written: credentials and tokens wherever they appear in a logged
 * object (top level, one or two levels down), headers included.
 */
const SECRET_KEYS = ["authorization", "password", "client_secret", "clientSecret", "secret", "secrets", "cookie", "token", "accessToken", "access_token", "refreshToken", "refresh_token", "apiKey", "credentials"];
export const REDACTED_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers["${k}"]`]);

/** A logger writing JSON lines to `destination` (default stdout), at `level`, with secrets redacted. */
export const createLogger = ({ level, destination }: { level?: string; destination?: pino.DestinationStream } = {}): Logger =>
  pino(
    {
      level: level ?? env().LOG_LEVEL,
      base: { pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      // Any key naming a token (e.g. "idToken", "csrfToken") is redacted too, wherever pino's paths did not reach.
      formatters: { log: (object) => redactTokens(object) as Record<string, unknown> },
    },
    destination,
  );

const TOKENISH = /token|secret|password|authorization|cookie/i;

/** Replaces the value of every key that names a token or secret, at any depth (objects from vendors, errors). */
const redactTokens = (value: unknown, depth = 0): unknown => {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactTokens(v, depth + 1));
  if (value instanceof Error) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, TOKENISH.test(k) ? "[redacted]" : redactTokens(v, depth + 1)]));
};

let instance: Logger | undefined;

/** Replaces the process's logger (tests capture what is logged); returns the previous one. */
export const replaceLogger = (next: Logger): Logger => {
  const previous = (instance ??= createLogger());
  instance = next;
  return previous;
};

/** A logger that hands each written line, parsed, to `onLine` (tests). */
export const createCapturingLogger = (onLine: (line: Record<string, unknown>) => void, level = "debug"): Logger =>
  createLogger({ level, destination: { write: (line: string) => void onLine(JSON.parse(line) as Record<string, unknown>) } });

/** The process's logger (level from LOG_LEVEL). */
export const logger: Logger = new Proxy({} as Logger, {
  get: (_, prop) => {
    instance ??= createLogger();
    const value = Reflect.get(instance, prop, instance) as unknown;
    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(instance) : value;
  },
});
