/*
 * Records as the record service shows them (vendor-apis.md §4.3): HATEOAS `links` on every object, references
 * as {links, id, refName}, datetimes "2023-02-06T09:48:00Z", empty fields left out, sublists link-only unless
 * expandSubResources=true, `fields=a,b` limits the body fields.
 */
import type { FieldDef, RecordTypeDef, RefTarget } from "./record-types";
import type { NetsuiteStore, StoredRecord } from "./store";
import { isoDateTime } from "./time";

export type NsLink = { rel: string; href: string };

const INVOICE_STATUS: Record<string, string> = { A: "Open", B: "Paid In Full" };

/** `base` is the account's REST root, e.g. http://127.0.0.1:4010/netsuite/1234567-sb1/services/rest. */
export const recordUrl = (base: string, type: string, id?: string) => `${base}/record/v1/${type}${id === undefined ? "" : `/${id}`}`;

const refTypePath: Record<RefTarget, string> = {
  customer: "customer",
  item: "serviceSaleItem",
  currency: "currency",
  subsidiary: "subsidiary",
  account: "account",
};

const presentValue = (store: NetsuiteStore, base: string, field: FieldDef, value: unknown): unknown => {
  if (value === undefined || value === null || value === "") return undefined;
  if (field.kind === "ref" && field.ref) {
    const id = String(value);
    const type = field.ref === "item" ? (store.items.get(id)?.type ?? refTypePath.item) : refTypePath[field.ref];
    return { links: [{ rel: "self", href: recordUrl(base, type, id) }], id, refName: store.refNameOf(field.ref, id) ?? id };
  }
  if (field.kind === "datetime") return isoDateTime(Number(value));
  return value;
};

export const presentLines = (store: NetsuiteStore, base: string, def: RecordTypeDef, record: StoredRecord) => {
  const sublist = def.sublist;
  if (!sublist) return undefined;
  const self = `${recordUrl(base, def.name, record.id)}/${sublist.name}`;
  const items = (record.lines ?? []).map((line) => {
    const out: Record<string, unknown> = { links: [{ rel: "self", href: `${self}/${String(line.line)}` }] };
    for (const field of sublist.fields) {
      const shown = presentValue(store, base, field, line[field.name]);
      if (shown !== undefined) out[field.name] = shown;
    }
    return out;
  });
  return { links: [{ rel: "self", href: self }], count: items.length, hasMore: false, items, offset: 0, totalResults: items.length };
};

export const presentRecord = (
  store: NetsuiteStore,
  base: string,
  def: RecordTypeDef,
  record: StoredRecord,
  options: { expandSubResources?: boolean; fields?: string[] } = {},
): Record<string, unknown> => {
  const wanted = options.fields ? new Set(options.fields.map((f) => f.toLowerCase())) : undefined;
  const out: Record<string, unknown> = { links: [{ rel: "self", href: recordUrl(base, def.name, record.id) }] };
  for (const field of def.fields) {
    if (wanted && field.name !== "id" && !wanted.has(field.name.toLowerCase())) continue;
    let shown: unknown;
    if (field.name === "id") shown = record.id;
    else if (field.name === "externalId") shown = record.externalId;
    else if (field.name === "status" && def.name === "invoice") {
      const id = String(record.fields.status ?? "A");
      shown = { id, refName: INVOICE_STATUS[id] ?? id };
    } else shown = presentValue(store, base, field, record.fields[field.name]);
    if (shown !== undefined) out[field.name] = shown;
  }
  if (def.sublist && (!wanted || wanted.has(def.sublist.name))) {
    out[def.sublist.name] = options.expandSubResources
      ? presentLines(store, base, def, record)
      : { links: [{ rel: "self", href: `${recordUrl(base, def.name, record.id)}/${def.sublist.name}` }] };
  }
  return out;
};

/** Paging links of a collection: self, first, previous, next, last (previous/next only when they exist). */
export const pageLinks = (url: URL, offset: number, limit: number, total: number): NsLink[] => {
  const at = (o: number) => {
    const u = new URL(url);
    u.searchParams.set("limit", String(limit));
    u.searchParams.set("offset", String(o));
    return u.toString();
  };
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const links: NsLink[] = [];
  if (offset > 0) links.push({ rel: "previous", href: at(Math.max(0, offset - limit)) });
  links.push({ rel: "first", href: at(0) });
  if (offset + limit < total) links.push({ rel: "next", href: at(offset + limit) });
  links.push({ rel: "last", href: at(lastOffset) });
  links.push({ rel: "self", href: at(offset) });
  return links;
};
