import { ERRORS, refuse } from "./errors";
import { isModuleName, type FieldDef, type ModuleName } from "./metadata";
import type { RecordStore, StoredRecord } from "./records";

/*
 * POST /crm/v8/coql {"select_query": "..."} (vendor-apis.md §3.5, [ZOAS] coql.json): `select f1, f2 from Module
 * [where c1 and|or c2 ...] [order by f [asc|desc]] [limit [offset,] count] [offset n]`. Conditions: = != <> > >=
 * < <= like 'a%', not like, in (...), not in (...), is null, is not null; values quoted 'text', numbers, true,
 * false. Lookups compare by id (`Account_Name = '5725767...'` or `Account_Name.id`). At most 50 columns and
 * 2,000 rows per call (default 200). Errors: SYNTAX_ERROR, INVALID_QUERY "column given seems to be invalid",
 * LIMIT_EXCEEDED. Mixed and/or without parentheses is refused rather than guessed.
 */

const MAX_LIMIT = 2_000;

type Condition = { field: string; op: string; values: unknown[] };

const syntax = (near: string, clause?: string) =>
  refuse(400, "SYNTAX_ERROR", "invalid query formed", clause ? { clause } : { near, line: 1, column: 0 });

const parseValue = (raw: string): unknown => {
  const text = raw.trim();
  if (/^'(?:[^'\\]|\\.)*'$/.test(text)) return text.slice(1, -1).replace(/\\'/g, "'");
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === "true";
  if (/^null$/i.test(text)) return null;
  return syntax(text);
};

const splitList = (inner: string) => (inner.match(/'(?:[^'\\]|\\.)*'|[^,\s][^,]*/g) ?? []).map((v) => parseValue(v));

const parseCondition = (text: string): Condition => {
  const m =
    /^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]+)?)\s+(is\s+not\s+null|is\s+null|not\s+in|in|not\s+like|like|!=|<>|>=|<=|=|>|<)\s*(.*)$/is.exec(text.trim());
  if (!m) return syntax(text.trim());
  const field = m[1] as string;
  const op = (m[2] as string).toLowerCase().replace(/\s+/g, " ");
  const rest = (m[3] ?? "").trim();
  if (op === "is null" || op === "is not null") return rest === "" ? { field, op, values: [] } : syntax(rest);
  if (op === "in" || op === "not in") {
    const list = /^\((.*)\)$/s.exec(rest);
    return list ? { field, op, values: splitList(list[1] as string) } : syntax(rest);
  }
  return { field, op: op === "<>" ? "!=" : op, values: [parseValue(rest)] };
};

/** Splits the where clause on top-level and/or (outside quotes and parentheses). */
const splitWhere = (where: string): { parts: string[]; joiner: "and" | "or" } => {
  let text = where.trim();
  while (text.startsWith("(") && text.endsWith(")") && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  const parts: string[] = [];
  const joiners = new Set<string>();
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === "'" && text[i - 1] !== "\\") quoted = !quoted;
    if (quoted) continue;
    if (c === "(") depth += 1;
    if (c === ")") depth -= 1;
    if (depth !== 0) continue;
    const m = /^\s(and|or)\s/i.exec(text.slice(i));
    if (m) {
      parts.push(text.slice(start, i));
      joiners.add((m[1] as string).toLowerCase());
      i += m[0].length - 1;
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  if (joiners.size > 1) syntax(where, "where");
  return { parts: parts.map((p) => stripParens(p.trim())), joiner: joiners.has("or") ? "or" : "and" };
};
const balanced = (text: string) => {
  let depth = 0;
  for (const c of text) {
    depth += c === "(" ? 1 : c === ")" ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
};
const stripParens = (text: string): string => (text.startsWith("(") && text.endsWith(")") && balanced(text.slice(1, -1)) ? stripParens(text.slice(1, -1).trim()) : text);

export const runCoql = (input: { query: unknown; store: RecordStore; fields: (module: ModuleName) => readonly FieldDef[]; moduleOf: (name: string) => ModuleName }) => {
  if (typeof input.query !== "string" || input.query.trim() === "") throw ERRORS.requiredParam("select_query");
  const m = /^\s*select\s+(.+?)\s+from\s+([A-Za-z_]+)(?:\s+where\s+(.+?))?(?:\s+order\s+by\s+([A-Za-z_]+)(?:\s+(asc|desc))?)?(?:\s+limit\s+(\d+)(?:\s*,\s*(\d+))?)?(?:\s+offset\s+(\d+))?\s*;?\s*$/is.exec(input.query);
  if (!m) return syntax(input.query.slice(0, 40));
  const moduleName = m[2] as string;
  if (!isModuleName(moduleName)) refuse(400, "INVALID_QUERY", "invalid query formed", { reason: "invalid module", module: moduleName });
  const module = input.moduleOf(moduleName);
  const defs = new Map(input.fields(module).map((f) => [f.api_name, f]));
  const columns = (m[1] as string).split(",").map((c) => c.trim());
  if (columns.some((c) => c === "*")) syntax("*", "select");
  if (columns.length > 50) refuse(400, "LIMIT_EXCEEDED", "Max field limit exceeded", { by: "select", limit: 50 });
  const known = (name: string) => name === "id" || defs.has(name.split(".")[0] as string);
  for (const c of columns) if (!known(c)) refuse(400, "INVALID_QUERY", "column given seems to be invalid", { column_name: c, clause: "select" });

  // "limit a, b" is offset a, count b (COQL follows MySQL); "limit n offset m" also works.
  const limit = m[7] !== undefined ? Number(m[7]) : m[6] !== undefined ? Number(m[6]) : 200;
  const offset = m[7] !== undefined ? Number(m[6]) : Number(m[8] ?? 0);
  if (limit > MAX_LIMIT) refuse(400, "LIMIT_EXCEEDED", "limit exceeded", { by: "limit", limit: MAX_LIMIT });

  const conditions = m[3] ? splitWhere(m[3]) : undefined;
  const parsed = conditions?.parts.map(parseCondition) ?? [];
  for (const c of parsed) if (!known(c.field)) refuse(400, "INVALID_QUERY", "column given seems to be invalid", { column_name: c.field, clause: "where" });

  const valueOf = (record: StoredRecord, field: string): unknown => {
    const base = field.split(".")[0] as string;
    if (base === "id") return record.id;
    if (base === "Created_Time") return record.createdAt;
    if (base === "Modified_Time") return record.modifiedAt;
    const def = defs.get(base);
    const value = record.values[base];
    if (def?.data_type === "lookup" || def?.data_type === "ownerlookup") return (value as { id?: string } | undefined)?.id ?? null;
    return value ?? null;
  };
  const comparable = (record: StoredRecord, field: string, value: unknown) => {
    const base = field.split(".")[0] as string;
    const type = base === "Created_Time" || base === "Modified_Time" ? "datetime" : defs.get(base)?.data_type;
    if (type === "datetime" && typeof value === "string") {
      const t = Date.parse(value);
      if (Number.isNaN(t)) refuse(400, "INVALID_QUERY", "value given seems to be invalid for the column", { column_name: field });
      return Math.floor(t / 1000) * 1000;
    }
    return value;
  };
  const test = (record: StoredRecord, c: Condition) => {
    const actual = valueOf(record, c.field);
    const values = c.values.map((v) => comparable(record, c.field, v));
    const [v] = values;
    const norm = (x: unknown) => (typeof x === "string" ? x.toLowerCase() : x);
    const a = typeof actual === "number" && (c.field.startsWith("Created_Time") || c.field.startsWith("Modified_Time")) ? Math.floor(actual / 1000) * 1000 : actual;
    switch (c.op) {
      case "is null":
        return a === null || a === "";
      case "is not null":
        return a !== null && a !== "";
      case "=":
        return norm(a) === norm(v);
      case "!=":
        return norm(a) !== norm(v);
      case "in":
        return values.some((x) => norm(x) === norm(a));
      case "not in":
        return !values.some((x) => norm(x) === norm(a));
      case "like":
      case "not like": {
        const pattern = new RegExp(`^${String(v).split("%").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
        return pattern.test(String(a ?? "")) === (c.op === "like");
      }
      default: {
        if (a === null || v === null || v === undefined) return false;
        const [x, y] = [a as number | string, v as number | string];
        return c.op === ">" ? x > y : c.op === ">=" ? x >= y : c.op === "<" ? x < y : x <= y;
      }
    }
  };

  // An equality on a unique or duplicate-check field uses the index instead of a scan.
  const first = parsed[0];
  const indexed = parsed.length === 1 && first?.op === "=" && typeof first.values[0] === "string" ? input.store.lookup(module, first.field, first.values[0]) : [];
  const candidates = indexed.length > 0 ? indexed.map((id) => input.store.get(module, id)).filter((r): r is StoredRecord => r !== undefined) : [...input.store.all(module)];
  let rows = candidates.filter((r) => parsed.length === 0 || (conditions?.joiner === "or" ? parsed.some((c) => test(r, c)) : parsed.every((c) => test(r, c))));
  const orderBy = m[4];
  if (orderBy) {
    if (!known(orderBy)) refuse(400, "INVALID_QUERY", "column given seems to be invalid", { column_name: orderBy, clause: "order by" });
    const direction = (m[5] ?? "asc").toLowerCase() === "desc" ? -1 : 1;
    rows = rows.sort((p, q) => {
      const [x, y] = [valueOf(p, orderBy), valueOf(q, orderBy)] as [number | string | null, number | string | null];
      return (x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1) * direction;
    });
  } else rows.sort((p, q) => (p.id < q.id ? -1 : 1));
  const page = rows.slice(offset, offset + limit);
  const only = new Set(columns.map((c) => c.split(".")[0] as string));
  return { data: page.map((r) => input.store.present(r, only)), info: { count: page.length, more_records: offset + limit < rows.length } };
};

/** COQL credits: 1 up to 200 rows, 2 up to 1,000, 3 up to 2,000 (Zoho's API-limits page). */
export const coqlCredits = (query: unknown) => {
  const m = typeof query === "string" ? /\blimit\s+(\d+)(?:\s*,\s*(\d+))?/i.exec(query) : null;
  const limit = m ? Number(m[2] ?? m[1]) : 200;
  return limit <= 200 ? 1 : limit <= 1_000 ? 2 : 3;
};
