import { readFileSync } from "node:fs";
import { createAjv } from "./swagger-validator";

/**
 * Validates an answer against one of our own JSON Schemas (e.g. sandbox/zuora/spec/*.schema.json).
 * `validate` returns the problems as readable lines, empty when the body matches.
 */
export const loadJsonSchemaValidator = (schemaFile: string) => {
  const validate = createAjv().compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);
  return {
    validate: (body: unknown): string[] =>
      validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`),
  };
};
