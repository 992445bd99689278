import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv, type ValidateFunction } from "ajv";

/*
 * Validates sandbox answers against a vendor's own Swagger 2.0 document (Zuora's, given to the
 * `*.vendor-docs.test.ts` files through VENDOR_SPECS_DIR; see core/vendor-specs-dir.ts). The
 * documents are used as published, with their quirks bridged here and listed in sandbox/README.md:
 * - amounts typed `string` with format number/decimal are JSON numbers in Zuora's own examples: both pass;
 * - fields Zuora's examples answer with null are not marked x-nullable: null passes for every property;
 * - `date-time` fields carry v1's "2022-12-08 19:49:16" or a bare date (payment effectiveDate): both pass;
 * - Swagger-only keywords (x-*, discriminator, example, readOnly) are ignored.
 */

type Schema = Record<string, unknown>;

const NUMERIC_STRING_FORMATS = new Set(["number", "decimal", "double", "float"]);

const toJsonSchema = (node: unknown, seen = new Map<unknown, unknown>()): unknown => {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, seen));
  if (node === null || typeof node !== "object") return node;
  if (seen.has(node)) return seen.get(node);
  const source = node as Schema;
  const out: Schema = {};
  seen.set(node, out);
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith("x-") || key === "example" || key === "examples" || key === "discriminator" || key === "readOnly" || key === "xml" || key === "description" || key === "title") continue;
    if (key === "properties" && value && typeof value === "object") {
      out.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, prop]) => [name, nullable(toJsonSchema(prop, seen))]));
      continue;
    }
    out[key] = toJsonSchema(value, seen);
  }
  if (out.type === "string" && typeof out.format === "string" && NUMERIC_STRING_FORMATS.has(out.format)) {
    out.type = ["string", "number"];
    delete out.format;
  }
  return out;
};

const nullable = (schema: unknown): unknown => ({ anyOf: [schema, { type: "null" }] });

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Ajv with the vendors' date and date-time spellings, and the Swagger-only formats accepted. */
export const createAjv = () => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  ajv.addFormat("date", DATE);
  ajv.addFormat("date-time", DATE_TIME);
  for (const name of ["int32", "int64", "URL", "uri", "url", "email", "uuid", "byte", "binary", "password", "decimal", "double", "float", "number", "string"]) {
    ajv.addFormat(name, true);
  }
  return ajv;
};

export type SwaggerOperation = { path: string; method: "get" | "post" | "put" | "patch" | "delete"; status?: string };

export const loadSwaggerValidator = async (specFile: string) => {
  const api = (await SwaggerParser.dereference(specFile)) as unknown as { paths: Record<string, Record<string, { responses: Record<string, { schema?: unknown; headers?: Record<string, unknown> }> }>> };
  const ajv = createAjv();
  const cache = new Map<string, ValidateFunction>();

  const validatorFor = ({ path, method, status = "200" }: SwaggerOperation) => {
    const key = `${method} ${path} ${status}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const operation = api.paths[path]?.[method];
    if (!operation) throw new Error(`${specFile}: no operation ${method.toUpperCase()} ${path}`);
    const response = operation.responses[status] ?? operation.responses[Number(status) as unknown as string];
    if (!response?.schema) throw new Error(`${specFile}: ${method.toUpperCase()} ${path} has no ${status} schema`);
    const validate = ajv.compile(toJsonSchema(response.schema) as object);
    cache.set(key, validate);
    return validate;
  };

  return {
    /** Errors as readable lines; empty when the body matches the documented response. */
    validate: (operation: SwaggerOperation, body: unknown): string[] => {
      const validate = validatorFor(operation);
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
    },
    /** Header names the document lists for this response. */
    documentedHeaders: ({ path, method, status = "200" }: SwaggerOperation) =>
      Object.keys(api.paths[path]?.[method]?.responses[status]?.headers ?? {}),
  };
};
