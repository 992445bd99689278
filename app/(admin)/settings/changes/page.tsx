import type { Metadata } from "next";
import Link from "next/link";
import { ConfigChangeTable, type ConfigChangeRow } from "@/components/audit/config-change-table";
import { Button } from "@/components/ui/button";
import { DayInput } from "@/components/ui/day-input";
import { Select, TextInput } from "@/components/ui/field";
import { TIME_ZONE_LABEL } from "@/components/ui/format-time";
import { PageHeader } from "@/components/ui/page-header";
import { configChangeFilterSchema, type ConfigChangeFilter } from "@/lib/audit/config-change-schemas";
import { listConfigChanges } from "@/lib/audit/list-config-changes";
import { requireUser } from "@/lib/auth/require-user";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Change log" };

const ENTITIES = [
  { value: "mapping", label: "Mappings" },
  { value: "connection", label: "Connections" },
  { value: "flow", label: "Flows" },
  { value: "user", label: "Users" },
] as const;
const ACTIONS = ["created", "updated", "deleted"] as const;

/** The filter of the query string; a value that does not parse is left out rather than failing the page. */
const readFilter = (params: Record<string, string | string[] | undefined>): ConfigChangeFilter => {
  const filter: Record<string, string> = {};
  for (const key of ["entity", "action", "q", "from", "to"] as const) {
    const raw = params[key];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (!value) continue;
    const parsed = configChangeFilterSchema.safeParse({ [key]: value });
    if (parsed.success) filter[key] = value;
  }
  return filter as ConfigChangeFilter;
};

/** Who changed which mapping, connection, flow or user, when, old -> new; filtered in the URL and exported as CSV. */
const ChangeLogPage = async ({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) => {
  await requireUser();
  const params = await searchParams;
  const filter = readFilter(params);
  const cursor = typeof params.cursor === "string" ? params.cursor : null;
  const page = await listConfigChanges({ db: db(), filter, cursor, limit: 100 });
  const rows = JSON.parse(JSON.stringify(page.items)) as ConfigChangeRow[];
  const query = new URLSearchParams(Object.entries(filter) as [string, string][]);
  return (
    <div className="space-y-3">
      <PageHeader
        title="Change log"
        description="Every change to mappings, connections, flows and users: who, when, and each field old → new. Secrets are never shown, only that they changed."
        actions={
          <a href={`/api/config-changes/export?${query}`} download className="text-sm text-blue-800 hover:underline">
            Export (CSV)
          </a>
        }
      />
      <form method="get" className="flex flex-wrap items-end gap-2" aria-label="Filter changes">
        <label className="w-40 text-xs font-medium text-zinc-700">
          What
          <Select name="entity" defaultValue={filter.entity ?? ""} className="mt-1">
            <option value="">Everything</option>
            {ENTITIES.map((e) => (
              <option key={e.value} value={e.value}>{e.label}</option>
            ))}
          </Select>
        </label>
        <label className="w-32 text-xs font-medium text-zinc-700">
          Change
          <Select name="action" defaultValue={filter.action ?? ""} className="mt-1">
            <option value="">Any</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </Select>
        </label>
        <label className="w-36 text-xs font-medium text-zinc-700">
          From ({TIME_ZONE_LABEL})
          <DayInput name="from" defaultValue={filter.from ?? ""} className="mt-1" />
        </label>
        <label className="w-36 text-xs font-medium text-zinc-700">
          To ({TIME_ZONE_LABEL})
          <DayInput name="to" defaultValue={filter.to ?? ""} className="mt-1" />
        </label>
        <label className="w-64 text-xs font-medium text-zinc-700">
          Search
          <TextInput name="q" type="search" defaultValue={filter.q ?? ""} placeholder="Name or e-mail" className="mt-1" />
        </label>
        <Button type="submit" variant="primary">Apply</Button>
        {query.size > 0 ? <Link href="/settings/changes" className="text-sm text-zinc-600 hover:text-zinc-900">Clear</Link> : null}
      </form>
      <ConfigChangeTable rows={rows} />
      {page.nextCursor ? (
        <Link href={`/settings/changes?${new URLSearchParams({ ...Object.fromEntries(query), cursor: page.nextCursor })}`} className="text-sm text-blue-800 hover:underline">
          Older changes
        </Link>
      ) : null}
    </div>
  );
};

export default ChangeLogPage;
