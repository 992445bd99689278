import { randomBytes } from "node:crypto";
import { ERRORS, refuse } from "./errors";
import type { FieldDef, ModuleName } from "./metadata";
import { zohoDateTime, type RecordStore, type StoredRecord } from "./records";

/*
 * GET /crm/v8/{module} (vendor-apis.md §3.5): `fields` is mandatory (at most 50), per_page at most 200,
 * sort_by id|Created_Time|Modified_Time, sort_order asc|desc (default id desc), If-Modified-Since (records
 * modified after it, second precision; 304 when none), `page` up to the 2,000th record and `page_token`
 * beyond (user-specific, valid 24 h, not combinable with `page`). An empty answer is 204. A page token holds
 * the ordered ids of the first request, so later pages cost O(page size).
 */

const PAGE_TOKEN_MS = 86_400_000;
const MAX_PAGE_RECORDS = 2_000;

export type ListQuery = {
  fields?: string;
  page?: string;
  per_page?: string;
  page_token?: string;
  sort_by?: string;
  sort_order?: string;
  ids?: string;
};

type PageToken = { module: ModuleName; userKey: string; ids: string[]; offset: number; perPage: number; sortBy: string; sortOrder: string; expiresAt: number };

export type ListAnswer = { status: 200; body: { data: Record<string, unknown>[]; info: Record<string, unknown> } } | { status: 204 | 304 };

const toInt = (value: string | undefined, name: string, min: number, max: number, fallback: number) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) return refuse(400, "INVALID_DATA", "invalid data", { param_name: name, ...(name === "per_page" ? { maximum_length: String(max) } : {}) });
  return n;
};


export const createRecordLister = (options: { store: RecordStore; now: () => number; fields: (module: ModuleName) => readonly FieldDef[] }) => {
  const { store, now, fields } = options;
  const tokens = new Map<string, PageToken>();

  const selectedFields = (module: ModuleName, param: string | undefined): Set<string> => {
    if (param === undefined || param.trim() === "") throw ERRORS.requiredParam("fields");
    const names = param.split(",").map((f) => f.trim()).filter(Boolean);
    if (names.length > 50) refuse(400, "LIMIT_EXCEEDED", "Max field limit exceeded", { api_name: "fields", limit: 50 });
    const known = new Set(fields(module).map((f) => f.api_name));
    for (const name of names) if (name !== "id" && !known.has(name)) refuse(400, "INVALID_DATA", "invalid data", { api_name: name, param_name: "fields" });
    return new Set(names);
  };

  const sortKey = (record: StoredRecord, sortBy: string) => (sortBy === "Created_Time" ? record.createdAt : sortBy === "Modified_Time" ? Math.floor(record.modifiedAt / 1000) : 0);

  const list = (input: { module: ModuleName; query: ListQuery; ifModifiedSince?: string; userKey: string }): ListAnswer => {
    const { module, query } = input;
    const only = selectedFields(module, query.fields);
    if (query.page_token !== undefined && query.page !== undefined) refuse(400, "INVALID_DATA", "invalid data", { param_name: "page_token", reason: "page_token cannot be combined with page" });

    let ids: string[];
    let offset: number;
    let perPage: number;
    let sortBy: string;
    let sortOrder: string;
    if (query.page_token !== undefined) {
      const saved = tokens.get(query.page_token);
      if (!saved || saved.expiresAt <= now() || saved.module !== module || saved.userKey !== input.userKey) return refuse(400, "INVALID_DATA", "invalid data", { param_name: "page_token" });
      ({ ids, offset, perPage, sortBy, sortOrder } = saved);
    } else {
      perPage = toInt(query.per_page, "per_page", 1, 200, 200);
      const page = toInt(query.page, "page", 1, 1_000_000, 1);
      if (page * perPage > MAX_PAGE_RECORDS && (page - 1) * perPage >= MAX_PAGE_RECORDS) {
        refuse(400, "DISCRETE_PAGINATION_LIMIT_EXCEEDED", "you can't fetch more than 2000 records without using page_token", { limit: MAX_PAGE_RECORDS });
      }
      sortBy = query.sort_by ?? "id";
      if (!["id", "Created_Time", "Modified_Time"].includes(sortBy)) refuse(400, "INVALID_DATA", "invalid data", { param_name: "sort_by" });
      sortOrder = query.sort_order ?? "desc";
      if (!["asc", "desc"].includes(sortOrder)) refuse(400, "INVALID_DATA", "invalid data", { param_name: "sort_order" });
      let since: number | undefined;
      if (input.ifModifiedSince !== undefined) {
        since = Date.parse(input.ifModifiedSince);
        if (Number.isNaN(since)) refuse(400, "INVALID_DATA", "invalid data", { param_name: "If-Modified-Since" });
      }
      let records: StoredRecord[];
      if (query.ids !== undefined) {
        const wanted = query.ids.split(",").map((s) => s.trim()).filter(Boolean);
        if (wanted.length > 100) refuse(400, "LIMIT_EXCEEDED", "Record count exceeded", { param_name: "ids", limit: 100 });
        records = wanted.map((id) => store.get(module, id)).filter((r): r is StoredRecord => r !== undefined);
      } else records = [...store.all(module)];
      if (since !== undefined) {
        const sinceSecond = Math.floor((since as number) / 1000);
        records = records.filter((r) => Math.floor(r.modifiedAt / 1000) > sinceSecond);
      }
      const direction = sortOrder === "asc" ? 1 : -1;
      records.sort((a, b) => {
        const byKey = sortKey(a, sortBy) - sortKey(b, sortBy);
        if (byKey !== 0) return byKey * direction;
        return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * direction;
      });
      ids = records.map((r) => r.id);
      offset = (page - 1) * perPage;
      if (ids.length === 0 || offset >= ids.length) return { status: since !== undefined && ids.length === 0 ? 304 : 204 };
      if (query.page !== undefined) ids = ids.slice(0, MAX_PAGE_RECORDS);
    }
    const slice = ids.slice(offset, offset + perPage);
    const data = slice.map((id) => store.get(module, id)).filter((r): r is StoredRecord => r !== undefined).map((r) => store.present(r, only));
    const more = offset + perPage < ids.length;
    const info: Record<string, unknown> = {
      per_page: perPage,
      count: data.length,
      page: Math.floor(offset / perPage) + 1,
      sort_by: sortBy,
      sort_order: sortOrder,
      more_records: more,
      call: false,
      email: false,
    };
    if (more) {
      const token = randomBytes(20).toString("hex");
      const expiresAt = now() + PAGE_TOKEN_MS;
      tokens.set(token, { module, userKey: input.userKey, ids, offset: offset + perPage, perPage, sortBy, sortOrder, expiresAt });
      info.next_page_token = token;
      info.page_token_expiry = zohoDateTime(expiresAt);
    }
    if (tokens.size > 10_000) for (const [key, t] of tokens) if (t.expiresAt <= now()) tokens.delete(key);
    return { status: 200, body: { data, info } };
  };

  return { list, reset: () => tokens.clear() };
};
