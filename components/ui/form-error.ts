import type { ErrorBody } from "@/lib/errors";

/** A failed action's answer as an Error for react-query, keeping the problems by field for the form. */
export class FormError extends Error {
  readonly fields: Record<string, string>;

  constructor(body: ErrorBody) {
    super(body.message);
    this.fields = body.fields ?? {};
  }
}
