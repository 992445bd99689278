/**
 * Validates bodies against Acumatica's own endpoint documents (test support only): the OpenAPI 3.0.1 file of
 * Default/24.200.001 and the Swagger 2.0 file of 23.200.001, compiled with Ajv. OpenAPI's `nullable` is an Ajv
 * keyword; the OpenAPI number formats (int32, int64, double) are accepted as annotations; `discriminator`
 * without `oneOf` (CustomField) is left to the `required: ["type"]` check.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { ACUMATICA_SPEC_23, ACUMATICA_SPEC_24 } from "./spec-location";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export type SpecValidator = {
  /** Errors of `body` against `#/components/schemas/<schema>` (24.200.001) or `#/definitions/<schema>` (23.200.001); [] when valid. */
  errors(schema: string, body: unknown, version?: "24.200.001" | "23.200.001"): string[];
};

let cached: SpecValidator | undefined;

export const loadSpecValidator = (): SpecValidator => {
  if (cached) return cached;
  const spec24 = JSON.parse(readFileSync(ACUMATICA_SPEC_24, "utf8")) as { components: unknown };
  const spec23 = JSON.parse(readFileSync(ACUMATICA_SPEC_23, "utf8")) as { definitions: unknown };
  const ajv = new Ajv({ strict: false, allErrors: true, discriminator: false, validateFormats: true });
  addFormats(ajv);
  for (const format of ["int32", "int64", "double", "float", "byte", "binary"]) ajv.addFormat(format, true);
  ajv.addSchema({ $id: "acumatica-24", components: spec24.components });
  ajv.addSchema({ $id: "acumatica-23", definitions: spec23.definitions });
  const compiled = new Map<string, ValidateFunction>();
  cached = {
    errors(schema, body, version = "24.200.001") {
      const ref = version === "24.200.001" ? `acumatica-24#/components/schemas/${schema}` : `acumatica-23#/definitions/${schema}`;
      let validate = compiled.get(ref);
      if (!validate) {
        validate = ajv.getSchema(ref);
        if (!validate) throw new Error(`${ref} is not in the vendor document`);
        compiled.set(ref, validate);
      }
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
    },
  };
  return cached;
};
