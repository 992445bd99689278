/*
 * A trimmed metadata catalog for the record types this account serves (vendor-apis.md §4.9): each account
 * describes its own records, custom fields included, at /services/rest/record/v1/metadata-catalog[/{type}];
 * `Accept: application/schema+json` gives JSON Schema (body fields usable in `q` listed in `x-ns-filterable`,
 * custom fields marked `x-ns-custom-field: true`), `application/swagger+json` an OpenAPI 3.0 document.
 */
import type { FieldDef, RecordTypeDef } from "./record-types";

const referenceSchema = {
  type: "object",
  properties: { id: { type: "string" }, refName: { type: "string" }, externalId: { type: "string" }, links: { type: "array", items: { type: "object" } } },
};

const fieldSchema = (field: FieldDef): Record<string, unknown> => {
  const base: Record<string, unknown> =
    field.kind === "ref"
      ? { ...referenceSchema, title: field.name }
      : field.kind === "number"
        ? { type: "number", format: "double", title: field.name }
        : field.kind === "boolean"
          ? { type: "boolean", title: field.name }
          : field.kind === "date"
            ? { type: "string", format: "date", title: field.name }
            : field.kind === "datetime"
              ? { type: "string", format: "date-time", title: field.name }
              : { type: "string", title: field.name };
  if (field.name === "status") Object.assign(base, referenceSchema);
  if (field.readOnly) base.readOnly = true;
  if (field.custom) base["x-ns-custom-field"] = true;
  return base;
};

/** JSON Schema of one record type as this account defines it. */
export const recordSchema = (def: RecordTypeDef): Record<string, unknown> => {
  const properties: Record<string, unknown> = { links: { type: "array", readOnly: true, items: { type: "object" } } };
  for (const field of def.fields) properties[field.name] = fieldSchema(field);
  if (def.sublist) {
    const lineProperties: Record<string, unknown> = {};
    for (const field of def.sublist.fields) lineProperties[field.name] = fieldSchema(field);
    properties[def.sublist.name] = {
      type: "object",
      title: def.sublist.name,
      properties: { links: { type: "array", items: { type: "object" } }, items: { type: "array", items: { type: "object", properties: lineProperties } } },
    };
  }
  return {
    type: "object",
    title: def.name,
    properties,
    required: def.fields.filter((f) => f.required).map((f) => f.name),
    "x-ns-filterable": def.fields.filter((f) => f.filterable).map((f) => f.name),
  };
};

export const openApiDocument = (defs: RecordTypeDef[]) => ({
  openapi: "3.0.1",
  info: { title: "NetSuite REST API (sandbox account)", version: "v1" },
  paths: Object.fromEntries(defs.map((def) => [`/${def.name}/{id}`, { get: { responses: { "200": { content: { "application/json": { schema: { $ref: `#/components/schemas/${def.name}` } } } } } } }])),
  components: { schemas: Object.fromEntries(defs.map((def) => [def.name, recordSchema(def)])) },
});
