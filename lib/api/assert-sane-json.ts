import { AppError } from "@/lib/errors";

/** Deeper than any input the app takes (a mapping document is under 10 levels). */
export const MAX_JSON_DEPTH = 64;

/** A UTF-16 surrogate without its partner: JSON can carry it ("\ud800"), UTF-8 and Postgres cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const refuse = (reason: string) => new AppError("MALFORMED_INPUT", { status: 400, userMessage: `The request was refused: ${reason}.` });

/**
 * Throws AppError MALFORMED_INPUT (400) for input no form of ours produces and that would fail deep
 * inside the app (a stack overflow, or Postgres refusing the text) as a 500: nesting deeper than
 * MAX_JSON_DEPTH, or a lone surrogate in any string or key. Walks breadth-first, so a hostile
 * depth costs no stack.
 */
export const assertSaneJson = (value: unknown): void => {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > MAX_JSON_DEPTH) throw refuse(`it is nested deeper than ${MAX_JSON_DEPTH} levels`);
    const next: unknown[] = [];
    for (const node of level) {
      if (typeof node === "string") {
        if (LONE_SURROGATE.test(node)) throw refuse("it contains an invalid character (a lone UTF-16 surrogate)");
      } else if (Array.isArray(node)) {
        next.push(...node);
      } else if (node !== null && typeof node === "object") {
        for (const [key, child] of Object.entries(node)) {
          if (LONE_SURROGATE.test(key)) throw refuse("it contains an invalid character (a lone UTF-16 surrogate)");
          next.push(child);
        }
      }
    }
    level = next;
  }
};
