/**
 * Validates bodies against the QAD envelope schema (test support only): `spec/qad-adaptive-observed.schema.json`
 * is our own envelope schema (written by ml-connector, kept here so tests never read outside the
 * repository); `spec/qad-sandbox-observed-extras.schema.json` adds two observed shapes that file lacks.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";

const SPEC_DIR = path.join(import.meta.dirname, "spec");
export const QAD_ENVELOPE_SCHEMA = path.join(SPEC_DIR, "qad-adaptive-observed.schema.json");
const EXTRAS_SCHEMA = path.join(SPEC_DIR, "qad-sandbox-observed-extras.schema.json");

export type QadEnvelope =
  | "tokenResponse"
  | "browseResponse"
  | "businessEntityWriteRequest"
  | "submitResultEnvelope"
  | "bareErrorsEnvelope"
  | "entityReadResponse"
  | "oauthError";

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** Errors of `body` against one envelope definition; [] when valid. */
export const envelopeErrors = (definition: QadEnvelope, body: unknown): string[] => {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: true });
    ajv.addSchema(JSON.parse(readFileSync(QAD_ENVELOPE_SCHEMA, "utf8")) as object);
    ajv.addSchema(JSON.parse(readFileSync(EXTRAS_SCHEMA, "utf8")) as object);
  }
  const extra = definition === "entityReadResponse" || definition === "oauthError";
  const ref = `${extra ? "urn:ml-connector:sandbox:qad:observed-extras" : "urn:ml-connector:vendor-specs:qad:qad-adaptive-observed"}#/$defs/${definition}`;
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`${ref} is not in the schema`);
    compiled.set(ref, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
};
