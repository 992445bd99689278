/*
 * A small SuiteQL: enough of Oracle-flavoured SQL for polling and look-ups ([NS-SQL], vendor-apis.md §4.4).
 *   SELECT [TOP n] * | expr [AS alias], ... FROM table [alias] [WHERE condition] [ORDER BY expr [ASC|DESC], ...]
 * expr: column, alias.column, TO_CHAR(column, 'format'), BUILTIN.DF(column) (the reference's display name).
 * condition: comparisons (= <> != < <= > >=), [NOT] LIKE, [NOT] IN (...), IS [NOT] NULL, BETWEEN .. AND ..,
 * AND / OR / NOT, parentheses; literals 'text', numbers, TO_DATE / TO_TIMESTAMP('text', 'format').
 * Tables: customer, transaction (invoices, type 'CustInvc'), item (all item types), customrecord_*.
 * Rows carry lower-case column names and `links: []`; values are strings, nulls are left out, booleans are
 * 'T' / 'F', dates and datetimes show as a date in the account format unless TO_CHAR formats them.
 */
import { NsError } from "./errors";
import { columnOf, type FieldDef, type RecordTypeDef } from "./record-types";
import type { NetsuiteStore, StoredRecord } from "./store";
import { accountDate, oracleFormat, oracleParse, parseAccountDateTime, zonedToMs } from "./time";

type Token = { kind: "ident" | "number" | "string" | "op" | "punct"; text: string };

type Value = { kind: "null" } | { kind: "number"; value: number } | { kind: "string"; value: string } | { kind: "time"; value: number; date: boolean };

/** A column; `fixed` holds the value per record type of columns such as transaction.type and item.itemtype. */
type Column = { name: string; field?: FieldDef; fixed?: Record<string, string> };

type Expr =
  | { kind: "column"; column: Column }
  | { kind: "to_char"; column: Column; format: string }
  | { kind: "df"; column: Column }
  | { kind: "literal"; value: Value };

type Condition = (row: StoredRecord) => boolean;

export type SuiteqlQuery = {
  table: string;
  columns: { name: string; expr: Expr }[] | "*";
  where?: Condition;
  orderBy: { expr: Expr; desc: boolean }[];
  top?: number;
};

const searchError = (detail: string) =>
  new NsError(400, "INVALID_PARAMETER", `Invalid search query. Detailed unprocessed description follows. Search error occurred: ${detail}`);

const tokenize = (q: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i] ?? "";
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === "'") {
      let text = "";
      let j = i + 1;
      for (;;) {
        if (j >= q.length) throw searchError("Unterminated string literal.");
        if (q[j] === "'" && q[j + 1] === "'") {
          text += "'";
          j += 2;
        } else if (q[j] === "'") break;
        else text += q[j++];
      }
      tokens.push({ kind: "string", text });
      i = j + 1;
      continue;
    }
    const two = q.slice(i, i + 2);
    if (two === "<>" || two === "!=" || two === "<=" || two === ">=") {
      tokens.push({ kind: "op", text: two });
      i += 2;
      continue;
    }
    if ("=<>".includes(c)) {
      tokens.push({ kind: "op", text: c });
      i += 1;
      continue;
    }
    if ("(),*".includes(c)) {
      tokens.push({ kind: "punct", text: c });
      i += 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(q.slice(i));
    if (number && !/[A-Za-z_]/.test(q[i + number[0].length] ?? "")) {
      tokens.push({ kind: "number", text: number[0] });
      i += number[0].length;
      continue;
    }
    const ident = /^"?([A-Za-z_][A-Za-z0-9_]*)"?(\."?[A-Za-z_][A-Za-z0-9_]*"?)*/.exec(q.slice(i));
    if (ident) {
      tokens.push({ kind: "ident", text: ident[0].replaceAll('"', "") });
      i += ident[0].length;
      continue;
    }
    throw searchError(`Unexpected character '${c}'.`);
  }
  return tokens;
};

export type TableInfo = { defs: RecordTypeDef[]; columns: Map<string, Column> };

/** The SuiteQL table `name` in this account: its record types and columns. */
export const tableInfo = (store: NetsuiteStore, name: string): TableInfo => {
  const defs = store.tables().map((t) => t.def).filter((def) => def.table === name.toLowerCase());
  if (defs.length === 0) throw searchError(`Record '${name}' was not found.`);
  const columns = new Map<string, Column>();
  for (const def of defs) {
    for (const field of def.fields) columns.set(columnOf(field), { name: columnOf(field), field });
    for (const [column, value] of Object.entries(def.fixedColumns ?? {})) {
      const fixed = columns.get(column)?.fixed ?? {};
      columns.set(column, { name: column, fixed: { ...fixed, [def.name]: value } });
    }
  }
  return { defs, columns };
};

export const parseSuiteql = (q: string, store: NetsuiteStore, timeZone: string, now: number): SuiteqlQuery & { info: TableInfo } => {
  const tokens = tokenize(q);
  let pos = 0;
  const peek = (offset = 0) => tokens[pos + offset];
  const isWord = (word: string, offset = 0) => peek(offset)?.kind === "ident" && peek(offset)?.text.toUpperCase() === word;
  const next = () => {
    const token = tokens[pos++];
    if (!token) throw searchError("Unexpected end of the query.");
    return token;
  };
  const expect = (text: string) => {
    const token = next();
    if (token.text.toUpperCase() !== text) throw searchError(`Expected ${text} but found '${token.text}'.`);
  };

  if (!isWord("SELECT")) throw searchError("Only SELECT statements are supported.");
  next();
  let top: number | undefined;
  if (isWord("TOP")) {
    next();
    top = Number(next().text);
  }
  // The select list is read after FROM is known, so remember where it starts.
  const selectStart = pos;
  let depth = 0;
  while (pos < tokens.length && !(depth === 0 && isWord("FROM"))) {
    const t = next();
    if (t.text === "(") depth += 1;
    if (t.text === ")") depth -= 1;
  }
  const selectEnd = pos;
  expect("FROM");
  const tableName = next().text;
  const info = tableInfo(store, tableName);
  let alias: string | undefined;
  if (peek()?.kind === "ident" && !["WHERE", "ORDER"].includes(peek()?.text.toUpperCase() ?? "")) alias = next().text.toLowerCase();

  const column = (text: string): Column => {
    const parts = text.toLowerCase().split(".");
    const last = parts[parts.length - 1] ?? "";
    if (parts.length > 1 && parts[0] !== alias && parts[0] !== tableName.toLowerCase()) throw searchError(`Unknown table alias '${parts[0]}'.`);
    const found = info.columns.get(last);
    if (!found) throw searchError(`Field '${last}' for record '${tableName}' was not found.`);
    return found;
  };

  const literal = (): Value => {
    const token = next();
    if (token.kind === "number") return { kind: "number", value: Number(token.text) };
    if (token.kind === "string") return { kind: "string", value: token.text };
    const fn = token.text.toUpperCase();
    if (fn === "NULL") return { kind: "null" };
    if (fn === "TO_DATE" || fn === "TO_TIMESTAMP") {
      expect("(");
      const text = next();
      let format = "MM/DD/YYYY";
      if (peek()?.text === ",") {
        next();
        format = next().text;
      }
      expect(")");
      const ms = oracleParse(text.text, format, timeZone);
      if (ms === undefined) throw searchError(`Parse of date/time "${text.text}" failed with format "${format}".`);
      return { kind: "time", value: ms, date: fn === "TO_DATE" };
    }
    if (fn === "SYSDATE" || fn === "CURRENT_DATE") return { kind: "time", value: now, date: false };
    throw searchError(`Unexpected '${token.text}'.`);
  };

  const expression = (): Expr => {
    const token = peek();
    if (token?.kind === "ident") {
      const upper = token.text.toUpperCase();
      if (upper === "TO_CHAR") {
        next();
        expect("(");
        const col = column(next().text);
        expect(",");
        const format = next().text;
        expect(")");
        return { kind: "to_char", column: col, format };
      }
      if (upper === "BUILTIN.DF") {
        next();
        expect("(");
        const col = column(next().text);
        expect(")");
        return { kind: "df", column: col };
      }
      if (!["NULL", "TO_DATE", "TO_TIMESTAMP", "SYSDATE", "CURRENT_DATE"].includes(upper)) {
        next();
        return { kind: "column", column: column(token.text) };
      }
    }
    return { kind: "literal", value: literal() };
  };

  const rawValue = (record: StoredRecord, col: Column): Value => {
    if (col.fixed !== undefined) {
      const fixed = col.fixed[record.type];
      return fixed === undefined ? { kind: "null" } : { kind: "string", value: fixed };
    }
    const field = col.field;
    if (!field) return { kind: "null" };
    const v = field.name === "id" ? record.id : field.name === "externalId" ? record.externalId : record.fields[field.name];
    if (v === undefined || v === null || v === "") return { kind: "null" };
    if (field.name === "id" || field.kind === "ref") return { kind: "number", value: Number(v) };
    if (field.kind === "number") return { kind: "number", value: Number(v) };
    if (field.kind === "boolean") return { kind: "string", value: v === true ? "T" : "F" };
    if (field.kind === "datetime") return { kind: "time", value: Number(v), date: false };
    if (field.kind === "date") {
      const [y, m, d] = String(v).split("-").map(Number);
      return { kind: "time", value: zonedToMs({ year: y ?? 1970, month: m ?? 1, day: d ?? 1, hour: 0, minute: 0, second: 0 }, timeZone), date: true };
    }
    return { kind: "string", value: String(v) };
  };

  const evaluate = (record: StoredRecord, expr: Expr): Value => {
    if (expr.kind === "literal") return expr.value;
    const raw = rawValue(record, expr.column);
    if (expr.kind === "column" || raw.kind === "null") return raw;
    if (expr.kind === "to_char") {
      if (raw.kind === "time") return { kind: "string", value: oracleFormat(raw.value, expr.format, timeZone) };
      return { kind: "string", value: String(raw.value) };
    }
    const target = expr.column.field?.ref;
    if (target && raw.kind === "number") return { kind: "string", value: store.refNameOf(target, String(raw.value)) ?? String(raw.value) };
    return raw;
  };

  /** Oracle-style comparison with implicit conversion of text to numbers and dates; null compares as unknown. */
  const compare = (a: Value, b: Value): number | undefined => {
    if (a.kind === "null" || b.kind === "null") return undefined;
    if (a.kind === "time" || b.kind === "time") {
      const toMs = (v: Value) => {
        if (v.kind === "time" || v.kind === "number") return v.value;
        if (v.kind === "string") return parseAccountDateTime(v.value, timeZone)?.ms ?? Number.NaN;
        return Number.NaN;
      };
      const [x, y] = [toMs(a), toMs(b)];
      if (Number.isNaN(x) || Number.isNaN(y)) throw searchError("Invalid date comparison.");
      return x - y;
    }
    if (a.kind === "number" || b.kind === "number") {
      const x = Number(a.value);
      const y = Number(b.value);
      if (Number.isNaN(x) || Number.isNaN(y)) throw searchError("Invalid number comparison.");
      return x - y;
    }
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  };

  const likeToRegExp = (pattern: string) =>
    new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replaceAll("%", ".*").replaceAll("_", ".")}$`, "s");

  const predicate = (): Condition => {
    if (isWord("NOT")) {
      next();
      const inner = predicate();
      return (r) => !inner(r);
    }
    if (peek()?.text === "(") {
      next();
      const inner = orCondition();
      expect(")");
      return inner;
    }
    const left = expression();
    if (isWord("IS")) {
      next();
      const not = isWord("NOT");
      if (not) next();
      expect("NULL");
      return (r) => (evaluate(r, left).kind === "null") !== not;
    }
    const not = isWord("NOT");
    if (not) next();
    if (isWord("LIKE")) {
      next();
      const pattern = literal();
      if (pattern.kind !== "string") throw searchError("LIKE needs a text pattern.");
      const re = likeToRegExp(pattern.value);
      return (r) => {
        const v = evaluate(r, left);
        return v.kind !== "null" && re.test(String(v.value)) !== not;
      };
    }
    if (isWord("IN")) {
      next();
      expect("(");
      const values: Value[] = [];
      while (peek()?.text !== ")") {
        values.push(literal());
        if (peek()?.text === ",") next();
      }
      next();
      return (r) => {
        const v = evaluate(r, left);
        return v.kind !== "null" && values.some((w) => compare(v, w) === 0) !== not;
      };
    }
    if (isWord("BETWEEN")) {
      next();
      const low = literal();
      expect("AND");
      const high = literal();
      return (r) => {
        const v = evaluate(r, left);
        const a = compare(v, low);
        const b = compare(v, high);
        return a !== undefined && b !== undefined && (a >= 0 && b <= 0) !== not;
      };
    }
    if (not) throw searchError("NOT must be followed by LIKE, IN or BETWEEN here.");
    const op = next();
    if (op.kind !== "op") throw searchError(`Expected a comparison but found '${op.text}'.`);
    const right = expression();
    const test: Record<string, (n: number) => boolean> = {
      "=": (n) => n === 0,
      "<>": (n) => n !== 0,
      "!=": (n) => n !== 0,
      "<": (n) => n < 0,
      "<=": (n) => n <= 0,
      ">": (n) => n > 0,
      ">=": (n) => n >= 0,
    };
    const fn = test[op.text] ?? (() => false);
    return (r) => {
      const n = compare(evaluate(r, left), evaluate(r, right));
      return n !== undefined && fn(n);
    };
  };

  const andCondition = (): Condition => {
    let left = predicate();
    while (isWord("AND")) {
      next();
      const l = left;
      const r = predicate();
      left = (row) => l(row) && r(row);
    }
    return left;
  };

  const orCondition = (): Condition => {
    let left = andCondition();
    while (isWord("OR")) {
      next();
      const l = left;
      const r = andCondition();
      left = (row) => l(row) || r(row);
    }
    return left;
  };

  let where: Condition | undefined;
  if (isWord("WHERE")) {
    next();
    where = orCondition();
  }
  const orderBy: { expr: Expr; desc: boolean }[] = [];
  if (isWord("ORDER")) {
    next();
    expect("BY");
    for (;;) {
      const expr = expression();
      let desc = false;
      if (isWord("ASC")) next();
      else if (isWord("DESC")) {
        next();
        desc = true;
      }
      orderBy.push({ expr, desc });
      if (peek()?.text !== ",") break;
      next();
    }
  }
  if (pos < tokens.length) throw searchError(`Unexpected '${tokens[pos]?.text}'.`);

  // Now the select list, with the table known.
  const endOfQuery = pos;
  pos = selectStart;
  let columns: SuiteqlQuery["columns"];
  if (peek()?.text === "*" && selectEnd === selectStart + 1) {
    columns = "*";
    pos = selectEnd;
  } else {
    columns = [];
    while (pos < selectEnd) {
      const expr = expression();
      let name: string;
      if (isWord("AS")) {
        next();
        name = next().text.toLowerCase();
      } else if (peek()?.kind === "ident" && pos < selectEnd) name = next().text.toLowerCase();
      else name = expr.kind === "literal" ? "expr" : expr.kind === "column" ? expr.column.name : `expr${columns.length + 1}`;
      columns.push({ name, expr });
      if (pos < selectEnd) expect(",");
    }
  }
  pos = endOfQuery;

  const runner = { evaluate, compare };
  return Object.assign({ table: tableName, columns, where, orderBy, top, info }, { runner });
};

/** Runs a query: the sorted, projected rows (all of them; the route pages them). */
export const runSuiteql = (q: string, store: NetsuiteStore, timeZone: string, now: number): Record<string, string>[] => {
  const query = parseSuiteql(q, store, timeZone, now) as ReturnType<typeof parseSuiteql> & {
    runner: { evaluate: (r: StoredRecord, e: Expr) => Value; compare: (a: Value, b: Value) => number | undefined };
  };
  const { evaluate, compare } = query.runner;
  let rows: StoredRecord[] = [];
  for (const def of query.info.defs) for (const record of store.table(def.name).order) if (!query.where || query.where(record)) rows.push(record);
  if (query.orderBy.length > 0) {
    rows = rows.sort((a, b) => {
      for (const { expr, desc } of query.orderBy) {
        const x = evaluate(a, expr);
        const y = evaluate(b, expr);
        // Oracle sorts nulls last ascending, first descending.
        const n = x.kind === "null" ? (y.kind === "null" ? 0 : 1) : y.kind === "null" ? -1 : (compare(x, y) ?? 0);
        if (n !== 0) return desc ? -n : n;
      }
      return 0;
    });
  } else if (query.info.defs.length > 1) rows.sort((a, b) => Number(a.id) - Number(b.id));
  if (query.top !== undefined) rows = rows.slice(0, query.top);
  const show = (value: Value): string | undefined => {
    if (value.kind === "null") return undefined;
    if (value.kind === "time") return accountDate(value.value, timeZone);
    return String(value.value);
  };
  const columns =
    query.columns === "*"
      ? [...query.info.columns.values()].map((column) => ({ name: column.name, expr: { kind: "column", column } as Expr }))
      : query.columns;
  return rows.map((record) => {
    const row: Record<string, string> = {};
    for (const { name, expr } of columns) {
      const shown = show(evaluate(record, expr));
      if (shown !== undefined) row[name] = shown;
    }
    return row;
  });
};
