/**
 * `$filter` with the subset IFS's OData Provider supports ([IFS-SUP], techdocs 21R2 "Supported Functionalities"):
 * every comparison operator except `has`; arithmetic operators except `mod`, and none on Date/DateTimeOffset
 * properties; all string functions; the date/time part functions; no collection functions or lambdas
 * (`any`/`all`), no math functions (`round`, `floor`, `ceiling`), no `fractionalseconds`, `totalseconds`,
 * `totaloffsetminutes`, `mindatetime`, `maxdatetime`, `isof`, geo functions or duration literals. The grammar is
 * parsed by @odata/parser (OData v4 ABNF); this file type-checks the tree and compiles it to a predicate.
 */
import { defaultParser } from "@odata/parser";
import { malformed, odataError, unsupported } from "./errors";
import { ENUM_TYPES, KINDS, type EdmType, type KindName, propertyOf } from "./model";
import type { Values } from "./tables";

type Node = { type: string; value: unknown; raw?: string; position?: number };
type Type = EdmType | "null" | "number";
type Compiled = { type: Type; enumType?: string; eval: (v: Values) => unknown };

export type CompiledFilter = {
  test: (values: Values) => boolean;
  /** The `indexed eq literal` conjuncts of the top level: any one of them narrows the scan to an index look-up. */
  indexHints: { property: string; value: unknown }[];
};

const NUMERIC = new Set<Type>(["Edm.Int32", "Edm.Decimal", "number"]);
const TEMPORAL = new Set<Type>(["Edm.Date", "Edm.DateTimeOffset"]);
const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  EqualsExpression: (a, b) => a === b,
  NotEqualsExpression: (a, b) => a !== b,
  LesserThanExpression: (a, b) => a < b,
  LesserOrEqualsExpression: (a, b) => a <= b,
  GreaterThanExpression: (a, b) => a > b,
  GreaterOrEqualsExpression: (a, b) => a >= b,
};
const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  AddExpression: (a, b) => a + b,
  SubExpression: (a, b) => a - b,
  MulExpression: (a, b) => a * b,
  DivExpression: (a, b) => a / b,
};
const NOT_SUPPORTED_FUNCTIONS = new Set(["round", "floor", "ceiling", "fractionalseconds", "totalseconds", "totaloffsetminutes", "mindatetime", "maxdatetime", "isof", "cast"]);

const asString = (value: unknown) => (typeof value === "string" ? value : null);
const timeOf = (value: unknown) => (typeof value === "string" ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : Number.NaN);

const compare = (left: unknown, right: unknown, type: Type): number | null => {
  if (left === null || left === undefined || right === null || right === undefined) return null;
  if (NUMERIC.has(type)) return (left as number) - (right as number);
  if (type === "Edm.DateTimeOffset") return timeOf(left) - timeOf(right);
  if (type === "Edm.Boolean") return Number(left) - Number(right);
  return String(left) < String(right) ? -1 : String(left) > String(right) ? 1 : 0;
};

const literal = (node: Node, text: string): Compiled => {
  const raw = node.raw ?? "";
  const edm = node.value as string;
  if (edm === "null") return { type: "null", eval: () => null };
  if (edm === "Edm.String") {
    const value = raw.slice(1, -1).replace(/''/g, "'");
    return { type: "Edm.String", eval: () => value };
  }
  if (edm === "Edm.Boolean") return { type: "Edm.Boolean", eval: () => raw === "true" };
  if (edm === "Edm.Date") return { type: "Edm.Date", eval: () => raw };
  if (edm === "Edm.DateTimeOffset") return { type: "Edm.DateTimeOffset", eval: () => raw };
  if (edm === "Edm.Guid") return { type: "Edm.String", eval: () => raw };
  if (["Edm.SByte", "Edm.Byte", "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Decimal", "Edm.Double", "Edm.Single"].includes(edm)) {
    const value = Number(raw.replace(/[mMdDfF]$/, ""));
    return { type: "number", eval: () => value };
  }
  if (edm === "Edm.Duration") throw unsupported("The Duration literal");
  throw malformed(node.position ?? 0, text);
};

const propertyName = (node: Node): string | undefined => {
  // FirstMemberExpression > MemberExpression > PropertyPathExpression > ODataIdentifier
  let current: unknown = node;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth += 1) {
    const n = current as Node & { value: { current?: unknown; name?: string } };
    if (n.type === "ODataIdentifier") return (n.value as { name: string }).name;
    if (n.type === "PropertyPathExpression" && n.value && typeof n.value === "object" && "current" in n.value) return undefined;
    current = n.value;
  }
  return undefined;
};

/** Compiles `$filter` for entities of `kind`; throws IFS's 400 answers for bad syntax, unknown properties and unsupported parts. */
export const compileFilter = (text: string, kind: KindName): CompiledFilter => {
  let ast: Node;
  try {
    ast = defaultParser.filter(text) as unknown as Node;
  } catch (error) {
    const match = /at (\d+)/.exec(error instanceof Error ? error.message : "");
    throw malformed(match ? Number(match[1]) : 0, text);
  }
  const def = KINDS[kind];

  const compile = (node: Node): Compiled => {
    switch (node.type) {
      case "BoolParenExpression":
      case "ParenExpression":
      case "CommonExpression":
        return compile(node.value as Node);
      case "Literal":
        return literal(node, text);
      case "Enum": {
        const match = /^([\w.]+)'(\w+)'$/.exec(node.raw ?? "");
        const enumName = match?.[1]?.split(".").pop() ?? "";
        const member = match?.[2] ?? "";
        if (!ENUM_TYPES[enumName]?.includes(member)) throw odataError(400, "ODP_UNSUPPORTED_URL", `Malformed Request: unknown enumeration literal ${node.raw ?? ""}.`);
        return { type: "Edm.String", enumType: enumName, eval: () => member };
      }
      case "FirstMemberExpression":
      case "MemberExpression": {
        const raw = node.raw ?? "";
        if (/\/(any|all)\(/.test(raw)) throw unsupported("Lambda operators (any/all)");
        const name = propertyName(node);
        if (!name) throw unsupported(`The path '${raw}'`);
        const property = propertyOf(kind, name);
        if (!property) {
          const nav = def.navigations.find((n) => n.name === name);
          if (nav) throw unsupported(`Navigation property '${name}' in $filter`);
          // IFS reports a name that is no property of the type as a syntax error at its position ([IFS-RAW]).
          throw malformed(node.position ?? 0, text);
        }
        return { type: property.type, enumType: property.enumType, eval: (v) => v[name] ?? null };
      }
      case "AndExpression":
      case "OrExpression": {
        const { left, right } = node.value as { left: Node; right: Node };
        const l = boolean(compile(left), left);
        const r = boolean(compile(right), right);
        return node.type === "AndExpression"
          ? { type: "Edm.Boolean", eval: (v) => l.eval(v) === true && r.eval(v) === true }
          : { type: "Edm.Boolean", eval: (v) => l.eval(v) === true || r.eval(v) === true };
      }
      case "NotExpression": {
        const inner = boolean(compile(node.value as Node), node.value as Node);
        return { type: "Edm.Boolean", eval: (v) => inner.eval(v) !== true };
      }
      case "NegateExpression": {
        const inner = compile(node.value as Node);
        if (!NUMERIC.has(inner.type)) throw mismatch("-", inner.type, inner.type);
        return { type: inner.type, eval: (v) => (inner.eval(v) === null ? null : -(inner.eval(v) as number)) };
      }
      case "HasExpression":
        throw unsupported("The 'has' operator");
      case "ModExpression":
        throw unsupported("The 'mod' operator");
      case "IsOfExpression":
        throw unsupported("The function 'isof'");
      case "MethodCallExpression":
        return method(node);
      default:
        if (node.type in COMPARE) return comparison(node);
        if (node.type in ARITHMETIC) return arithmetic(node);
        throw unsupported(`The expression '${node.raw ?? node.type}'`);
    }
  };

  const boolean = (c: Compiled, node: Node): Compiled => {
    if (c.type !== "Edm.Boolean") throw odataError(400, "ODP_UNSUPPORTED_URL", `Malformed Request: '${node.raw ?? ""}' is not a boolean expression.`);
    return c;
  };

  const mismatch = (op: string, a: Type, b: Type) =>
    odataError(400, "ODP_UNSUPPORTED_URL", `Malformed Request: the types '${a === "number" ? "Edm.Decimal" : a}' and '${b === "number" ? "Edm.Decimal" : b}' are not compatible for '${op}'.`);

  const comparison = (node: Node): Compiled => {
    const { left, right } = node.value as { left: Node; right: Node };
    const l = compile(left);
    const r = compile(right);
    const op = COMPARE[node.type]!;
    const equality = node.type === "EqualsExpression" || node.type === "NotEqualsExpression";
    let type: Type;
    if (l.type === "null" || r.type === "null") {
      if (!equality) throw mismatch(node.type, l.type, r.type);
      const other = l.type === "null" ? r : l;
      const want = node.type === "EqualsExpression";
      return { type: "Edm.Boolean", eval: (v) => (other.eval(v) === null) === want };
    }
    if (NUMERIC.has(l.type) && NUMERIC.has(r.type)) type = "Edm.Decimal";
    else if (l.type === r.type) type = l.type;
    else if (TEMPORAL.has(l.type) && TEMPORAL.has(r.type)) type = "Edm.DateTimeOffset";
    else throw mismatch(node.type.replace("Expression", ""), l.type, r.type);
    if (l.enumType && r.enumType && l.enumType !== r.enumType) throw mismatch(node.type.replace("Expression", ""), l.type, r.type);
    return {
      type: "Edm.Boolean",
      eval: (v) => {
        const a = l.eval(v);
        const b = r.eval(v);
        if (a === null || b === null) return node.type === "EqualsExpression" ? a === b : node.type === "NotEqualsExpression" ? a !== b : false;
        const diff = compare(a, b, type);
        return diff !== null && op(diff, 0);
      },
    };
  };

  const arithmetic = (node: Node): Compiled => {
    const { left, right } = node.value as { left: Node; right: Node };
    const l = compile(left);
    const r = compile(right);
    if (TEMPORAL.has(l.type) || TEMPORAL.has(r.type)) throw unsupported("Arithmetic on Date, Time or DateTimeOffset values");
    if (!NUMERIC.has(l.type) || !NUMERIC.has(r.type)) throw mismatch(node.type.replace("Expression", ""), l.type, r.type);
    const op = ARITHMETIC[node.type]!;
    return {
      type: "Edm.Decimal",
      eval: (v) => {
        const a = l.eval(v);
        const b = r.eval(v);
        return a === null || b === null ? null : op(a as number, b as number);
      },
    };
  };

  const method = (node: Node): Compiled => {
    const { method: name, parameters } = node.value as { method: string; parameters: Node[] };
    if (NOT_SUPPORTED_FUNCTIONS.has(name) || name.startsWith("geo.")) throw unsupported(`The function '${name}'`);
    const args = (parameters ?? []).map(compile);
    const arity = (n: number, m = n) => {
      if (args.length < n || args.length > m) throw odataError(400, "ODP_UNSUPPORTED_URL", `Malformed Request: wrong number of parameters for '${name}'.`);
    };
    const str = (i: number) => {
      const a = args[i]!;
      if (a.type !== "Edm.String" && a.type !== "null") throw mismatch(name, a.type, "Edm.String");
      return (v: Values) => asString(a.eval(v));
    };
    const num = (i: number) => {
      const a = args[i]!;
      if (!NUMERIC.has(a.type)) throw mismatch(name, a.type, "Edm.Int32");
      return (v: Values) => a.eval(v) as number | null;
    };
    const datePart = (from: number, to: number, needsTime: boolean) => {
      arity(1);
      const a = args[0]!;
      if (!TEMPORAL.has(a.type) || (needsTime && a.type === "Edm.Date")) throw mismatch(name, a.type, "Edm.DateTimeOffset");
      return { type: "Edm.Int32" as const, eval: (v: Values) => (typeof a.eval(v) === "string" ? Number((a.eval(v) as string).slice(from, to)) : null) };
    };
    switch (name) {
      case "contains":
      case "startswith":
      case "endswith": {
        arity(2);
        const [a, b] = [str(0), str(1)];
        const test = name === "contains" ? (x: string, y: string) => x.includes(y) : name === "startswith" ? (x: string, y: string) => x.startsWith(y) : (x: string, y: string) => x.endsWith(y);
        return { type: "Edm.Boolean", eval: (v) => (a(v) === null || b(v) === null ? false : test(a(v)!, b(v)!)) };
      }
      case "length": {
        arity(1);
        const a = str(0);
        return { type: "Edm.Int32", eval: (v) => a(v)?.length ?? null };
      }
      case "indexof": {
        arity(2);
        const [a, b] = [str(0), str(1)];
        return { type: "Edm.Int32", eval: (v) => (a(v) === null || b(v) === null ? null : a(v)!.indexOf(b(v)!)) };
      }
      case "substring": {
        arity(2, 3);
        const a = str(0);
        const from = num(1);
        const length = args.length === 3 ? num(2) : undefined;
        return {
          type: "Edm.String",
          eval: (v) => {
            const s = a(v);
            const f = from(v);
            if (s === null || f === null) return null;
            const l = length?.(v);
            return l === undefined || l === null ? s.slice(f) : s.slice(f, f + l);
          },
        };
      }
      case "tolower":
      case "toupper":
      case "trim": {
        arity(1);
        const a = str(0);
        const f = name === "tolower" ? (s: string) => s.toLowerCase() : name === "toupper" ? (s: string) => s.toUpperCase() : (s: string) => s.trim();
        return { type: "Edm.String", eval: (v) => (a(v) === null ? null : f(a(v)!)) };
      }
      case "concat": {
        arity(2);
        const [a, b] = [str(0), str(1)];
        return { type: "Edm.String", eval: (v) => `${a(v) ?? ""}${b(v) ?? ""}` };
      }
      case "year":
        return datePart(0, 4, false);
      case "month":
        return datePart(5, 7, false);
      case "day":
        return datePart(8, 10, false);
      case "hour":
        return datePart(11, 13, true);
      case "minute":
        return datePart(14, 16, true);
      case "second":
        return datePart(17, 19, true);
      case "date": {
        arity(1);
        const a = args[0]!;
        if (!TEMPORAL.has(a.type)) throw mismatch(name, a.type, "Edm.DateTimeOffset");
        return { type: "Edm.Date", eval: (v) => (typeof a.eval(v) === "string" ? (a.eval(v) as string).slice(0, 10) : null) };
      }
      case "now":
        arity(0);
        return { type: "Edm.DateTimeOffset", eval: () => new Date().toISOString() };
      default:
        throw unsupported(`The function '${name}'`);
    }
  };

  const root = boolean(compile(ast), ast);

  const indexHints: CompiledFilter["indexHints"] = [];
  const findHint = (node: Node) => {
    if (node.type === "BoolParenExpression") return findHint(node.value as Node);
    if (node.type === "AndExpression") {
      const { left, right } = node.value as { left: Node; right: Node };
      findHint(left);
      findHint(right);
      return;
    }
    if (node.type !== "EqualsExpression") return;
    const { left, right } = node.value as { left: Node; right: Node };
    const name = propertyName(left);
    if (!name || !def.indexed.includes(name) || right.type !== "Literal" || right.value === "null") return;
    const value = literal(right, text).eval({});
    if (propertyOf(kind, name)?.type === "Edm.String" ? typeof value === "string" : typeof value === "number") indexHints.push({ property: name, value });
  };
  findHint(ast);

  return { test: (values) => root.eval(values) === true, indexHints };
};
