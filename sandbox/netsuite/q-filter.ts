/*
 * The `q` parameter of record collections ([NS-FILT] section_1545222128): conditions "field OPERATOR value"
 * joined with AND / OR, parentheses for precedence. Operators per field type, as Oracle lists them:
 * boolean IS, IS_NOT; numbers ANY_OF, BETWEEN, EQUAL, GREATER, GREATER_OR_EQUAL, LESS, LESS_OR_EQUAL, WITHIN
 * (each also _NOT); strings CONTAIN, IS, START_WITH, END_WITH (+ _NOT); dates AFTER, BEFORE, ON, ON_OR_AFTER,
 * ON_OR_BEFORE (+ _NOT); any type EMPTY, EMPTY_NOT. Only filterable body fields. Date literals use the
 * account's date format ("M/D/YYYY", optionally "h:mm am"). Multi-value operators take a list "[a, b]".
 */
import { NsError } from "./errors";
import type { FieldDef, RecordTypeDef } from "./record-types";
import type { StoredRecord } from "./store";
import { parseAccountDateTime, zonedParts, zonedToMs } from "./time";

type Token = { kind: "word" | "string" | "(" | ")" | "[" | "]" | ","; text: string };

export type RecordPredicate = (record: StoredRecord) => boolean;

const badQuery = (detail: string, code = "INVALID_PARAMETER") => new NsError(400, code, detail, { "o:errorQueryParam": "q" });

const tokenize = (q: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i] ?? "";
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "(" || c === ")" || c === "[" || c === "]" || c === ",") {
      tokens.push({ kind: c, text: c });
      i += 1;
    } else if (c === '"' || c === "'") {
      const end = q.indexOf(c, i + 1);
      if (end === -1) throw badQuery(`Invalid search query. Unterminated string starting at position ${i}.`);
      tokens.push({ kind: "string", text: q.slice(i + 1, end) });
      i = end + 1;
    } else {
      let j = i;
      while (j < q.length && !/[\s()[\],"']/.test(q[j] ?? "")) j += 1;
      tokens.push({ kind: "word", text: q.slice(i, j) });
      i = j;
    }
  }
  return tokens;
};

const OPERATORS: Record<string, string[]> = {
  boolean: ["IS"],
  number: ["ANY_OF", "BETWEEN", "EQUAL", "GREATER", "GREATER_OR_EQUAL", "LESS", "LESS_OR_EQUAL", "WITHIN"],
  string: ["CONTAIN", "IS", "START_WITH", "END_WITH"],
  date: ["AFTER", "BEFORE", "ON", "ON_OR_AFTER", "ON_OR_BEFORE"],
};

const familyOf = (field: FieldDef) =>
  field.name === "id" || field.kind === "number" || field.kind === "ref" ? "number" : field.kind === "datetime" ? "date" : field.kind;

const valueOf = (record: StoredRecord, field: FieldDef): unknown => {
  if (field.name === "id") return Number(record.id);
  if (field.name === "externalId") return record.externalId;
  const value = record.fields[field.name];
  return field.kind === "ref" && value !== undefined ? Number(value) : value;
};

export const compileFilter = (q: string, def: RecordTypeDef, timeZone: string): RecordPredicate => {
  const tokens = tokenize(q);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const token = tokens[pos++];
    if (!token) throw badQuery("Invalid search query. Unexpected end of the query.");
    return token;
  };

  const readValues = (): string[] => {
    const token = peek();
    if (token?.kind === "[") {
      next();
      const values: string[] = [];
      while (peek()?.kind !== "]") {
        const value = next();
        if (value.kind !== "word" && value.kind !== "string") throw badQuery(`Invalid search query. Unexpected "${value.text}".`);
        values.push(value.text);
        if (peek()?.kind === ",") next();
      }
      next();
      return values;
    }
    const value = next();
    if (value.kind !== "word" && value.kind !== "string") throw badQuery(`Invalid search query. Unexpected "${value.text}".`);
    return [value.text];
  };

  const dateBounds = (text: string): [number, number] => {
    const parsed = parseAccountDateTime(text, timeZone);
    if (!parsed) {
      throw badQuery(`Invalid search query. Search error occurred: Parse of date/time "${text}" failed with date format "M/d/yyyy" in time zone ${timeZone}.`);
    }
    if (parsed.hasTime) return [parsed.ms, parsed.ms + 60_000];
    const day = zonedParts(parsed.ms, timeZone);
    const next = new Date(Date.UTC(day.year, day.month - 1, day.day + 1));
    return [parsed.ms, zonedToMs({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0, second: 0 }, timeZone)];
  };

  const condition = (): RecordPredicate => {
    const fieldToken = next();
    if (fieldToken.kind !== "word") throw badQuery(`Invalid search query. Expected a field name, found "${fieldToken.text}".`);
    const field = def.fields.find((f) => f.name.toLowerCase() === fieldToken.text.toLowerCase());
    if (!field || !field.filterable) {
      throw badQuery(`Invalid search query. Field '${fieldToken.text}' for record '${def.name}' was not found or cannot be used in a query.`, "NONEXISTENT_FIELD");
    }
    const opToken = next();
    const operator = opToken.text.toUpperCase();
    const negate = operator.endsWith("_NOT");
    const base = negate ? operator.slice(0, -4) : operator;
    if (base === "EMPTY") {
      const test: RecordPredicate = (r) => {
        const v = valueOf(r, field);
        return v === undefined || v === null || v === "";
      };
      return negate ? (r) => !test(r) : test;
    }
    const family = familyOf(field);
    if (!(OPERATORS[family] ?? []).includes(base) || (family === "boolean" && negate && base !== "IS")) {
      throw badQuery(`Invalid search query. Operator ${operator} is not valid for field ${field.name} of type ${family}.`);
    }
    const values = readValues();
    let test: RecordPredicate;
    if (family === "boolean") {
      const wanted = /^(true|t)$/i.test(values[0] ?? "");
      if (!/^(true|false|t|f)$/i.test(values[0] ?? "")) throw badQuery(`Invalid search query. "${values[0]}" is not a boolean.`);
      test = (r) => (valueOf(r, field) === true) === wanted;
    } else if (family === "number") {
      const numbers = values.map(Number);
      if (numbers.some((n) => !Number.isFinite(n))) throw badQuery(`Invalid search query. "${values.join(", ")}" is not a number.`);
      const [a = 0, b = 0] = numbers;
      if ((base === "BETWEEN" || base === "WITHIN") && numbers.length !== 2) throw badQuery(`Invalid search query. ${operator} takes two values.`);
      const compare: Record<string, (v: number) => boolean> = {
        ANY_OF: (v) => numbers.includes(v),
        BETWEEN: (v) => v >= a && v <= b,
        WITHIN: (v) => v >= a && v <= b,
        EQUAL: (v) => v === a,
        GREATER: (v) => v > a,
        GREATER_OR_EQUAL: (v) => v >= a,
        LESS: (v) => v < a,
        LESS_OR_EQUAL: (v) => v <= a,
      };
      const fn = compare[base] ?? (() => false);
      test = (r) => {
        const v = valueOf(r, field);
        return typeof v === "number" && fn(v);
      };
    } else if (family === "string") {
      const wanted = (values[0] ?? "").toLowerCase();
      const compare: Record<string, (v: string) => boolean> = {
        IS: (v) => v === wanted,
        CONTAIN: (v) => v.includes(wanted),
        START_WITH: (v) => v.startsWith(wanted),
        END_WITH: (v) => v.endsWith(wanted),
      };
      const fn = compare[base] ?? (() => false);
      test = (r) => {
        const v = valueOf(r, field);
        return typeof v === "string" && fn(v.toLowerCase());
      };
    } else {
      const [start, end] = dateBounds(values[0] ?? "");
      const compare: Record<string, (v: number) => boolean> = {
        ON: (v) => v >= start && v < end,
        AFTER: (v) => v >= end,
        BEFORE: (v) => v < start,
        ON_OR_AFTER: (v) => v >= start,
        ON_OR_BEFORE: (v) => v < end,
      };
      const fn = compare[base] ?? (() => false);
      test = (r) => {
        const v = valueOf(r, field);
        if (typeof v === "number") return fn(v);
        if (typeof v === "string") {
          const [y, m, d] = v.split("-").map(Number);
          return fn(zonedToMs({ year: y ?? 1970, month: m ?? 1, day: d ?? 1, hour: 0, minute: 0, second: 0 }, timeZone));
        }
        return false;
      };
    }
    return negate ? (r) => !test(r) : test;
  };

  const factor = (): RecordPredicate => {
    if (peek()?.kind === "(") {
      next();
      const inner = expression();
      if (next().kind !== ")") throw badQuery("Invalid search query. Missing closing parenthesis.");
      return inner;
    }
    return condition();
  };

  const term = (): RecordPredicate => {
    let left = factor();
    while (peek()?.kind === "word" && peek()?.text.toUpperCase() === "AND") {
      next();
      const l = left;
      const r = factor();
      left = (rec) => l(rec) && r(rec);
    }
    return left;
  };

  const expression = (): RecordPredicate => {
    let left = term();
    while (peek()?.kind === "word" && peek()?.text.toUpperCase() === "OR") {
      next();
      const l = left;
      const r = term();
      left = (rec) => l(rec) || r(rec);
    }
    return left;
  };

  const predicate = expression();
  if (pos < tokens.length) throw badQuery(`Invalid search query. Unexpected "${tokens[pos]?.text}".`);
  return predicate;
};
