import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmptyDb } from "../../test/db";
import { migrate } from "./migrate";

/**
 * The migrations are hand-written SQL (no Prisma schema engine here), so this test is what keeps
 * them honest: it reads schema.prisma with Prisma's own parser (the wasm DMMF) and compares every
 * table, column type, nullability, default, enum, primary key, unique and plain index (with sort
 * order and operator class) and foreign key (with ON DELETE) with what the migrations built in a real Postgres.
 */

type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object";
  type: string;
  isRequired: boolean;
  isList: boolean;
  hasDefaultValue: boolean;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[] };
type DmmfIndex = { model: string; type: "id" | "unique" | "normal" | "fulltext"; dbName?: string; fields: { name: string; sortOrder?: "asc" | "desc"; operatorClass?: string }[] };
type Dmmf = { datamodel: { models: DmmfModel[]; enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[]; indexes: DmmfIndex[] } };

const require = createRequire(import.meta.url);
const readDmmf = (): Dmmf => {
  const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf: (params: string) => string };
  const schema = readFileSync(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schema]] })));
};

const columnType = (field: DmmfField): string => {
  if (field.kind === "enum") return field.type;
  const [native, args = []] = field.nativeType ?? [];
  switch (field.type) {
    case "String":
      return native === "Uuid" ? "uuid" : "text";
    case "Int":
      return "integer";
    case "BigInt":
      return "bigint";
    case "Boolean":
      return "boolean";
    case "Json":
      return "jsonb";
    case "Decimal":
      return `numeric(${args.length ? args.join(",") : "65,30"})`;
    case "DateTime":
      if (native === "Date") return "date";
      return `${native === "Timestamptz" ? "timestamptz" : "timestamp"}(${args[0] ?? "3"})`;
    default:
      throw new Error(`no mapping for Prisma type ${field.type}`);
  }
};

const ON_DELETE: Record<string, string> = { Cascade: "c", Restrict: "r", SetNull: "n", NoAction: "a", SetDefault: "d" };

describe("migrated database matches prisma/schema.prisma", () => {
  const dmmf = readDmmf();
  const tableOf = (model: string) => {
    const m = dmmf.datamodel.models.find((x) => x.name === model)!;
    return m.dbName ?? m.name;
  };
  const columnOf = (model: string, field: string) => {
    const f = dmmf.datamodel.models.find((x) => x.name === model)!.fields.find((x) => x.name === field)!;
    return f.dbName ?? f.name;
  };
  let client: pg.Client;

  beforeAll(async () => {
    const { url } = await createEmptyDb();
    await migrate({ connectionString: url });
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(() => client?.end());

  it("has exactly the schema's tables and columns, with their types, nullability and defaults", async () => {
    const { rows } = await client.query<{ table: string; column: string; type: string; notnull: boolean; hasdefault: boolean }>(`
      SELECT c.relname AS table, a.attname AS column,
             format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, a.atthasdef AS hasdefault
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'`);
    const normalise = (t: string) =>
      t
        .replace(/^timestamp\((\d)\) with time zone$/, "timestamptz($1)")
        .replace(/^timestamp\((\d)\) without time zone$/, "timestamp($1)")
        .replace(/^"(.*)"$/, "$1");
    const actual = rows.map((r) => `${r.table}.${r.column} ${normalise(r.type)}${r.notnull ? " not null" : ""}${r.hasdefault ? " default" : ""}`).sort();
    const expected = dmmf.datamodel.models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind !== "object")
          .map((f) => `${m.dbName ?? m.name}.${f.dbName ?? f.name} ${columnType(f)}${f.isRequired ? " not null" : ""}${f.hasDefaultValue ? " default" : ""}`),
      )
      .sort();
    expect(actual).toEqual(expected);
  });

  it("has the schema's enums with their values in order", async () => {
    const { rows } = await client.query<{ name: string; values: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`);
    const expected = dmmf.datamodel.enums.map((e) => ({ name: e.dbName ?? e.name, values: e.values.map((v) => v.dbName ?? v.name) }));
    expect(rows.sort((a, b) => a.name.localeCompare(b.name))).toEqual(expected.sort((a, b) => a.name.localeCompare(b.name)));
  });

  it("has the schema's primary keys, unique and plain indexes (columns, order, sort direction)", async () => {
    const { rows } = await client.query<{ table: string; primary: boolean; unique: boolean; columns: string[] }>(`
      SELECT c.relname AS table, i.indisprimary AS primary, i.indisunique AS unique,
             array_agg(a.attname
               || CASE WHEN oc.opcdefault THEN '' ELSE ' ' || oc.opcname END
               || CASE WHEN (i.indoption[k.ord - 1] & 1) = 1 THEN ' desc' ELSE '' END ORDER BY k.ord)::text[] AS columns
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      JOIN pg_opclass oc ON oc.oid = i.indclass[k.ord - 1]
      WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'
      GROUP BY c.relname, i.indexrelid, i.indisprimary, i.indisunique`);
    const describeIndex = (table: string, kind: string, columns: string[]) => `${table} ${kind} (${columns.join(", ")})`;
    const actual = rows.map((r) => describeIndex(r.table, r.primary ? "primary" : r.unique ? "unique" : "index", r.columns)).sort();
    const expected = dmmf.datamodel.indexes
      .map((ix) =>
        describeIndex(
          tableOf(ix.model),
          ix.type === "id" ? "primary" : ix.type === "unique" ? "unique" : "index",
          ix.fields.map((f) => columnOf(ix.model, f.name) + (f.operatorClass ? ` ${f.operatorClass}` : "") + (f.sortOrder === "desc" ? " desc" : "")),
        ),
      )
      .sort();
    expect(actual).toEqual(expected);
  });

  it("has the schema's foreign keys with their ON DELETE actions", async () => {
    const { rows } = await client.query<{ table: string; columns: string[]; target: string; targetcolumns: string[]; ondelete: string }>(`
      SELECT c.relname AS table, t.relname AS target, con.confdeltype AS ondelete,
        (SELECT array_agg(a.attname ORDER BY k.ord)::text[] FROM unnest(con.conkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS columns,
        (SELECT array_agg(a.attname ORDER BY k.ord)::text[] FROM unnest(con.confkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS targetcolumns
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class t ON t.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'`);
    const actual = rows.map((r) => `${r.table}(${r.columns.join(",")}) -> ${r.target}(${r.targetcolumns.join(",")}) on delete ${r.ondelete}`).sort();
    const expected = dmmf.datamodel.models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind === "object" && f.relationFromFields?.length)
          .map((f) => {
            const onDelete = f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull");
            return `${m.dbName ?? m.name}(${f.relationFromFields!.map((x) => columnOf(m.name, x)).join(",")}) -> ${tableOf(f.type)}(${f.relationToFields!.map((x) => columnOf(f.type, x)).join(",")}) on delete ${ON_DELETE[onDelete]}`;
          }),
      )
      .sort();
    expect(actual).toEqual(expected);
  });
});
