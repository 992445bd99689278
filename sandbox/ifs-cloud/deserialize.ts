/**
 * Request bodies of POST and PATCH as IFS's OData Provider reads them: JSON only (another Content-Type or bad
 * JSON is ODP_DESERIALIZATION_ERROR, [NOVA]), properties of the entity type only, values of the declared Edm
 * type; `@odata.*` annotations are ignored. Non-insertable attributes are dropped on insert ([IFS-UPS]).
 */
import { databaseError, deserialization } from "./errors";
import { ENUM_TYPES, KINDS, type KindName, type PropertyDef, propertyOf } from "./model";
import type { Values } from "./tables";

export const parseJsonBody = (contentType: string | undefined, raw: unknown): Record<string, unknown> => {
  if (!contentType?.toLowerCase().startsWith("application/json")) throw deserialization("The Content-Type must be application/json.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof raw === "string" ? raw : "");
  } catch {
    throw deserialization();
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw deserialization("The body must be a JSON object.");
  return parsed as Record<string, unknown>;
};

const checkValue = (kind: KindName, p: PropertyDef, value: unknown): string | number | boolean | null => {
  const typeName = KINDS[kind].typeName;
  const wrong = () => deserialization(`Invalid value for property '${p.name}' of type '${p.enumType ?? p.type}' in '${typeName}'.`);
  if (value === null) {
    if (p.nullable === false) throw wrong();
    return null;
  }
  switch (p.type) {
    case "Edm.String": {
      if (typeof value !== "string") throw wrong();
      if (p.enumType && !ENUM_TYPES[p.enumType]!.includes(value)) throw wrong();
      if (p.maxLength && value.length > p.maxLength) {
        throw databaseError(KINDS[kind].luname, "VALUETOOLONG", `The value of field [${p.name}] is longer than ${p.maxLength} characters.`);
      }
      return value;
    }
    case "Edm.Int32":
      if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > 2_147_483_647) throw wrong();
      return value;
    case "Edm.Decimal":
      if (typeof value !== "number" || !Number.isFinite(value)) throw wrong();
      return value;
    case "Edm.Boolean":
      if (typeof value !== "boolean") throw wrong();
      return value;
    case "Edm.Date":
      if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw wrong();
      return value;
    case "Edm.DateTimeOffset":
      if (typeof value !== "string" || Number.isNaN(Date.parse(value))) throw wrong();
      return value;
  }
};

/**
 * The body's properties of `kind`, typed. `mode` "insert" drops non-insertable attributes; "update" keeps them
 * (the caller refuses changes to non-updatable ones). `navigations` names the navigation properties accepted
 * (deep insert) and returns them raw.
 */
export const readEntityBody = (
  kind: KindName,
  body: Record<string, unknown>,
  mode: "insert" | "update",
  navigations: string[] = [],
): { values: Values; nested: Record<string, unknown> } => {
  const values: Values = {};
  const nested: Record<string, unknown> = {};
  const typeName = KINDS[kind].typeName;
  for (const [name, value] of Object.entries(body)) {
    if (name.startsWith("@odata.") || name.includes("@odata.")) continue;
    if (navigations.includes(name)) {
      nested[name] = value;
      continue;
    }
    const p = propertyOf(kind, name);
    if (!p) throw deserialization(`The property '${name}' does not exist in type '${typeName}'.`);
    const checked = checkValue(kind, p, value);
    if (mode === "insert" && p.insertable === false) continue;
    values[name] = checked;
  }
  return { values, nested };
};
