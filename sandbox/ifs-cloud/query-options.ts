/**
 * OData system query options of a GET on a collection or entity, checked against the entity type the way IFS
 * answers them: unknown properties in `$select`/`$orderby` give EXPRESSION_PROPERTY_NOT_IN_TYPE, `$expand` only
 * of one-to-one navigations ([IFS-SUP]), `$top`/`$skip` non-negative integers, `$count=true|false`.
 * `$apply` (supported by IFS) and `$search` (unconfirmed) are refused: the sandbox does not implement them.
 */
import { malformed, odataError, propertyNotInType, unsupported } from "./errors";
import { KINDS, type IfsNames, type KindName, type NavigationDef, navigationName, propertyOf } from "./model";
import { compileFilter, type CompiledFilter } from "./odata-filter";

export type QueryOptions = {
  filter?: CompiledFilter;
  select?: string[];
  orderby: { property: string; descending: boolean }[];
  expand: { name: string; nav: NavigationDef }[];
  top?: number;
  skip: number;
  count: boolean;
  /** Entities already served by earlier pages of a server-paged answer. */
  skiptoken: number;
};

const KNOWN = new Set(["$filter", "$select", "$orderby", "$expand", "$top", "$skip", "$count", "$skiptoken", "$format", "$apply", "$search"]);

const nonNegative = (name: string, value: string) => {
  if (!/^\d+$/.test(value)) throw malformed(0, `${name}=${value}`);
  return Number(value);
};

export const encodeSkiptoken = (served: number) => Buffer.from(JSON.stringify({ served })).toString("base64url");

const decodeSkiptoken = (value: string) => {
  try {
    const { served } = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as { served: unknown };
    if (typeof served === "number" && Number.isInteger(served) && served >= 0) return served;
  } catch {
    // falls through to the refusal
  }
  throw odataError(400, "ODP_UNSUPPORTED_URL", "Malformed Request: invalid $skiptoken.");
};

export const parseQueryOptions = (params: URLSearchParams, kind: KindName, names: IfsNames): QueryOptions => {
  const def = KINDS[kind];
  for (const key of params.keys()) {
    if (key.startsWith("$") && !KNOWN.has(key)) throw odataError(400, "ODP_UNSUPPORTED_URL", `Malformed Request: unknown system query option '${key}'.`);
  }
  if (params.has("$apply")) throw odataError(501, "ODP_NOT_IMPLEMENTED", "The sandbox does not implement $apply.");
  if (params.has("$search")) throw unsupported("$search");
  const format = params.get("$format");
  if (format !== null && format !== "json" && !format.startsWith("application/json")) throw odataError(406, "ODP_UNSUPPORTED_FORMAT", `The format '${format}' is not supported.`);

  const filterText = params.get("$filter");
  const filter = filterText !== null ? compileFilter(filterText, kind) : undefined;

  const selectText = params.get("$select");
  let select: string[] | undefined;
  if (selectText !== null && selectText.trim() !== "*") {
    select = selectText.split(",").map((s) => s.trim());
    for (const name of select) if (!propertyOf(kind, name)) throw propertyNotInType(name, def.typeName);
  }

  const orderby: QueryOptions["orderby"] = [];
  const orderText = params.get("$orderby");
  if (orderText !== null) {
    for (const part of orderText.split(",")) {
      const match = /^\s*([A-Za-z_]\w*)(?:\s+(asc|desc))?\s*$/.exec(part);
      if (!match) throw malformed(0, orderText);
      if (!propertyOf(kind, match[1]!)) throw propertyNotInType(match[1]!, def.typeName);
      orderby.push({ property: match[1]!, descending: match[2] === "desc" });
    }
  }

  const expand: QueryOptions["expand"] = [];
  const expandText = params.get("$expand");
  if (expandText !== null) {
    for (const part of expandText.split(",").map((s) => s.trim())) {
      if (part.includes("(") || part.includes("/")) throw unsupported(`Nested options in $expand ('${part}')`);
      const nav = def.navigations.find((n) => navigationName(names, kind, n) === part);
      if (!nav) throw propertyNotInType(part, def.typeName);
      if (nav.collection) throw unsupported(`$expand of the one-to-many navigation '${part}'`);
      expand.push({ name: part, nav });
    }
  }

  const topText = params.get("$top");
  const skipText = params.get("$skip");
  const countText = params.get("$count");
  if (countText !== null && countText !== "true" && countText !== "false") throw malformed(0, `$count=${countText}`);
  const skiptoken = params.get("$skiptoken");
  return {
    filter,
    select,
    orderby,
    expand,
    top: topText !== null ? nonNegative("$top", topText) : undefined,
    skip: skipText !== null ? nonNegative("$skip", skipText) : 0,
    count: countText === "true",
    skiptoken: skiptoken !== null ? decodeSkiptoken(skiptoken) : 0,
  };
};
