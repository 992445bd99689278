/**
 * The `$filter` dialect of Acumatica's contract-based API: OData v3 URI conventions (`and`/`or`/`not`,
 * `eq ne gt ge lt le`, `startswith`, `endswith`, `substringof(needle, field)`, typed literals such as
 * `datetimeoffset'2024-01-01T00:00:00Z'`). String comparisons are case-insensitive, as on the SQL Server
 * collation Acumatica runs on; a comparison with an empty field is false except `eq null` / `ne null`.
 */
import type { FieldKind } from "./entity-shapes";

export type Literal =
  | { kind: "literal"; type: "string"; value: string }
  | { kind: "literal"; type: "number"; value: number }
  | { kind: "literal"; type: "boolean"; value: boolean }
  | { kind: "literal"; type: "null"; value: null }
  | { kind: "literal"; type: "datetime"; value: number };

export type Operand =
  | Literal
  | { kind: "field"; name: string }
  | { kind: "call"; name: "tolower" | "toupper" | "trim"; args: Operand[] };

export type ComparisonOperator = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

export type FilterNode =
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; operand: FilterNode }
  | { kind: "compare"; op: ComparisonOperator; left: Operand; right: Operand }
  | { kind: "predicate"; name: "startswith" | "endswith" | "substringof" | "contains"; args: Operand[] }
  | { kind: "constant"; value: boolean };

/** Thrown for text that is not a filter this dialect understands; the route answers 400. */
export class FilterSyntaxError extends Error {}

type Token =
  | { t: "("; pos: number }
  | { t: ")"; pos: number }
  | { t: ","; pos: number }
  | { t: "word"; v: string; pos: number }
  | { t: "lit"; lit: Literal; pos: number };

const COMPARISONS = new Set<string>(["eq", "ne", "gt", "ge", "lt", "le"]);
const PREDICATES = new Set<string>(["startswith", "endswith", "substringof", "contains"]);
const STRING_FUNCTIONS = new Set<string>(["tolower", "toupper", "trim"]);
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?/;
const WORD = /^[A-Za-z_][\w.]*(\/[A-Za-z_][\w.]*)*/;

const readQuoted = (text: string, start: number): [string, number] => {
  let out = "";
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf("'", i);
    if (quote < 0) throw new FilterSyntaxError(`Unterminated string literal at position ${start}.`);
    out += text.slice(i, quote);
    if (text[quote + 1] === "'") {
      out += "'";
      i = quote + 2;
      continue;
    }
    return [out, quote + 1];
  }
};

const parseDate = (raw: string, pos: number): number => {
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) || !raw.includes("T") ? raw : `${raw}Z`);
  if (Number.isNaN(ms)) throw new FilterSyntaxError(`Invalid date literal '${raw}' at position ${pos}.`);
  return ms;
};

const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
      continue;
    }
    if (ch === "(" || ch === ")" || ch === ",") {
      tokens.push({ t: ch, pos: i });
      i++;
      continue;
    }
    if (ch === "'") {
      const [value, next] = readQuoted(text, i);
      tokens.push({ t: "lit", lit: { kind: "literal", type: "string", value }, pos: i });
      i = next;
      continue;
    }
    const rest = text.slice(i);
    const num = NUMBER.exec(rest);
    if (num && (ch === "-" || /\d/.test(ch))) {
      tokens.push({ t: "lit", lit: { kind: "literal", type: "number", value: Number(num[0].replace(/[mMdDfFlL]$/, "")) }, pos: i });
      i += num[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      const w = word[0];
      const after = i + w.length;
      if (text[after] === "'") {
        const [raw, next] = readQuoted(text, after);
        const prefix = w.toLowerCase();
        if (prefix === "datetimeoffset" || prefix === "datetime") {
          tokens.push({ t: "lit", lit: { kind: "literal", type: "datetime", value: parseDate(raw, i) }, pos: i });
        } else if (prefix === "guid" || prefix === "time") {
          tokens.push({ t: "lit", lit: { kind: "literal", type: "string", value: raw }, pos: i });
        } else {
          throw new FilterSyntaxError(`Unknown literal type '${w}' at position ${i}.`);
        }
        i = next;
        continue;
      }
      const lower = w.toLowerCase();
      if (lower === "true" || lower === "false") tokens.push({ t: "lit", lit: { kind: "literal", type: "boolean", value: lower === "true" }, pos: i });
      else if (lower === "null") tokens.push({ t: "lit", lit: { kind: "literal", type: "null", value: null }, pos: i });
      else tokens.push({ t: "word", v: w, pos: i });
      i = after;
      continue;
    }
    throw new FilterSyntaxError(`Unexpected character '${ch}' at position ${i}.`);
  }
  return tokens;
};

/** Parses `$filter` text into a tree; throws FilterSyntaxError on anything outside the dialect. */
export const parseFilter = (text: string): FilterNode => {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const isWord = (v: string) => {
    const tok = tokens[at];
    return tok?.t === "word" && tok.v.toLowerCase() === v;
  };
  const expect = (t: "(" | ")" | ",") => {
    const tok = tokens[at];
    if (tok?.t !== t) throw new FilterSyntaxError(`Expected '${t}' at position ${tok?.pos ?? text.length}.`);
    at++;
  };

  const parseArgs = (): Operand[] => {
    expect("(");
    const args: Operand[] = [parseOperand()];
    while (peek()?.t === ",") {
      at++;
      args.push(parseOperand());
    }
    expect(")");
    return args;
  };

  const parseOperand = (): Operand => {
    const tok = peek();
    if (!tok) throw new FilterSyntaxError("Unexpected end of filter.");
    if (tok.t === "lit") {
      at++;
      return tok.lit;
    }
    if (tok.t === "word") {
      at++;
      const lower = tok.v.toLowerCase();
      if (STRING_FUNCTIONS.has(lower) && peek()?.t === "(") {
        return { kind: "call", name: lower as "tolower" | "toupper" | "trim", args: parseArgs() };
      }
      if (COMPARISONS.has(lower) || lower === "and" || lower === "or" || lower === "not") {
        throw new FilterSyntaxError(`Unexpected '${tok.v}' at position ${tok.pos}.`);
      }
      return { kind: "field", name: tok.v };
    }
    throw new FilterSyntaxError(`Unexpected '${tok.t}' at position ${tok.pos}.`);
  };

  const parsePrimary = (): FilterNode => {
    const tok = peek();
    if (!tok) throw new FilterSyntaxError("Unexpected end of filter.");
    if (tok.t === "(") {
      at++;
      const inner = parseOr();
      expect(")");
      return inner;
    }
    if (tok.t === "word" && isWord("not")) {
      at++;
      return { kind: "not", operand: parsePrimary() };
    }
    if (tok.t === "word" && PREDICATES.has(tok.v.toLowerCase()) && tokens[at + 1]?.t === "(") {
      at++;
      const name = tok.v.toLowerCase() as "startswith" | "endswith" | "substringof" | "contains";
      const args = parseArgs();
      if (args.length !== 2) throw new FilterSyntaxError(`${name} takes two arguments.`);
      const node: FilterNode = { kind: "predicate", name, args };
      const next = peek();
      if (next?.t === "word" && COMPARISONS.has(next.v.toLowerCase())) {
        const op = next.v.toLowerCase();
        at++;
        const right = parseOperand();
        if (right.kind !== "literal" || right.type !== "boolean" || (op !== "eq" && op !== "ne")) {
          throw new FilterSyntaxError(`${name}(...) can only be compared with true or false.`);
        }
        return right.value === (op === "eq") ? node : { kind: "not", operand: node };
      }
      return node;
    }
    const left = parseOperand();
    const opTok = peek();
    if (opTok?.t !== "word" || !COMPARISONS.has(opTok.v.toLowerCase())) {
      if (left.kind === "literal" && left.type === "boolean") return { kind: "constant", value: left.value };
      throw new FilterSyntaxError(`Expected a comparison operator at position ${opTok?.pos ?? text.length}.`);
    }
    at++;
    return { kind: "compare", op: opTok.v.toLowerCase() as ComparisonOperator, left, right: parseOperand() };
  };

  const parseAnd = (): FilterNode => {
    let node = parsePrimary();
    while (isWord("and")) {
      at++;
      node = { kind: "and", left: node, right: parsePrimary() };
    }
    return node;
  };

  const parseOr = (): FilterNode => {
    let node = parseAnd();
    while (isWord("or")) {
      at++;
      node = { kind: "or", left: node, right: parseAnd() };
    }
    return node;
  };

  if (tokens.length === 0) throw new FilterSyntaxError("The filter is empty.");
  const root = parseOr();
  const trailing = peek();
  if (trailing) throw new FilterSyntaxError(`Unexpected text at position ${trailing.pos}.`);
  return root;
};

/** How the filter reaches a record's top-level field values. */
export type FieldResolver = (name: string) => { kind: FieldKind; get: (record: Record<string, unknown>) => unknown } | undefined;

type Value = string | number | boolean | null;
type Getter = (record: Record<string, unknown>) => Value;
type Compiled = (record: Record<string, unknown>) => boolean;

const toMs = (v: unknown): number | null => {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
};

const compileOperand = (operand: Operand, resolve: FieldResolver): { get: Getter; kind: FieldKind | "null" } => {
  if (operand.kind === "literal") {
    const value = operand.value;
    const kind: FieldKind | "null" =
      operand.type === "number" ? "decimal" : operand.type === "datetime" ? "datetime" : operand.type === "null" ? "null" : operand.type;
    return { get: () => value, kind };
  }
  if (operand.kind === "call") {
    const [arg] = operand.args;
    if (!arg || operand.args.length !== 1) throw new FilterSyntaxError(`${operand.name} takes one argument.`);
    const inner = compileOperand(arg, resolve).get;
    const fn = operand.name === "tolower" ? (s: string) => s.toLowerCase() : operand.name === "toupper" ? (s: string) => s.toUpperCase() : (s: string) => s.trim();
    return { get: (r) => {
      const v = inner(r);
      return typeof v === "string" ? fn(v) : v;
    }, kind: "string" };
  }
  const field = resolve(operand.name);
  if (!field) throw new FilterSyntaxError(`The field '${operand.name}' is not found in the entity or cannot be used in a filter.`);
  const { get, kind } = field;
  return { get: (r) => (get(r) ?? null) as Value, kind };
};

const compareValues = (kind: FieldKind | "null", a: Value, b: Value): number | null => {
  if (a === null || b === null) return null;
  if (kind === "datetime") {
    const x = toMs(a);
    const y = toMs(b);
    return x === null || y === null ? null : x - y;
  }
  if (typeof a === "number" || typeof b === "number") {
    const x = Number(a);
    const y = Number(b);
    return Number.isNaN(x) || Number.isNaN(y) ? null : x - y;
  }
  if (typeof a === "boolean" || typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y ? 0 : x < y ? -1 : 1;
};

const lowerString = (v: Value): string | null => (typeof v === "string" ? v.toLowerCase() : null);

/** Compiles a parsed filter to a predicate; unknown fields throw FilterSyntaxError (answered as 400). */
export const compileFilter = (node: FilterNode, resolve: FieldResolver): Compiled => {
  switch (node.kind) {
    case "constant":
      return () => node.value;
    case "and": {
      const l = compileFilter(node.left, resolve);
      const r = compileFilter(node.right, resolve);
      return (rec) => l(rec) && r(rec);
    }
    case "or": {
      const l = compileFilter(node.left, resolve);
      const r = compileFilter(node.right, resolve);
      return (rec) => l(rec) || r(rec);
    }
    case "not": {
      const inner = compileFilter(node.operand, resolve);
      return (rec) => !inner(rec);
    }
    case "predicate": {
      const [first, second] = node.args.map((a) => compileOperand(a, resolve).get) as [Getter, Getter];
      const [hay, needle] = node.name === "substringof" ? [second, first] : [first, second];
      const test =
        node.name === "startswith"
          ? (h: string, n: string) => h.startsWith(n)
          : node.name === "endswith"
            ? (h: string, n: string) => h.endsWith(n)
            : (h: string, n: string) => h.includes(n);
      return (rec) => {
        const h = lowerString(hay(rec));
        const n = lowerString(needle(rec));
        return h !== null && n !== null && test(h, n);
      };
    }
    case "compare": {
      const left = compileOperand(node.left, resolve);
      const right = compileOperand(node.right, resolve);
      const kind = left.kind === "datetime" || right.kind === "datetime" ? "datetime" : left.kind === "null" ? right.kind : left.kind;
      const op = node.op;
      return (rec) => {
        const a = left.get(rec);
        const b = right.get(rec);
        if (a === null || b === null) {
          if (op === "eq") return a === b;
          if (op === "ne") return a !== b;
          return false;
        }
        const c = compareValues(kind, a, b);
        if (c === null) return op === "ne";
        switch (op) {
          case "eq":
            return c === 0;
          case "ne":
            return c !== 0;
          case "gt":
            return c > 0;
          case "ge":
            return c >= 0;
          case "lt":
            return c < 0;
          case "le":
            return c <= 0;
        }
      };
    }
  }
};

/**
 * Equalities `Field eq 'literal'` that every matching record must satisfy (top-level `and` chain), or for an
 * `or` of such equalities the alternatives; the store answers these from its hash indexes instead of a scan.
 * Returns undefined when the filter has no such shape.
 */
export type IndexPlan = { field: string; values: string[] };

export const planIndexLookups = (node: FilterNode, isIndexed: (field: string) => boolean): IndexPlan[] | undefined => {
  const equality = (n: FilterNode): IndexPlan | undefined => {
    if (n.kind !== "compare" || n.op !== "eq") return undefined;
    const [field, lit] = n.left.kind === "field" ? [n.left, n.right] : [n.right, n.left];
    if (field.kind !== "field" || lit.kind !== "literal" || !isIndexed(field.name)) return undefined;
    if (lit.type !== "string" && lit.type !== "number") return undefined;
    return { field: field.name, values: [String(lit.value)] };
  };
  const alternatives = (n: FilterNode): IndexPlan | undefined => {
    if (n.kind !== "or") return equality(n);
    const l = alternatives(n.left);
    const r = alternatives(n.right);
    if (!l || !r || l.field !== r.field) return undefined;
    return { field: l.field, values: [...l.values, ...r.values] };
  };
  const conjuncts: IndexPlan[] = [];
  const walk = (n: FilterNode) => {
    if (n.kind === "and") {
      walk(n.left);
      walk(n.right);
      return;
    }
    const plan = alternatives(n);
    if (plan) conjuncts.push(plan);
  };
  walk(node);
  return conjuncts.length ? conjuncts : undefined;
};
