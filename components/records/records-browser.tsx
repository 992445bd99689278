"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DayInput } from "@/components/ui/day-input";
import { Select, TextInput } from "@/components/ui/field";
import { VendorText } from "@/components/ui/vendor-text";
import { releaseHeldRecordsAction } from "@/lib/actions/release-held-records";
import { replayRecordsAction } from "@/lib/actions/replay-records";
import { revealBidiControls } from "@/lib/records/reveal-bidi-controls";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { MissingKeys, type MissingKeyView } from "./missing-keys";
import { formatCalendarDate, formatInstant, TIME_ZONE_LABEL } from "@/components/ui/format-time";
import { formatAmount } from "./format";
import { OBJECT_TYPES, RECORD_STATUSES, toApiQuery, toRecordFilter, type RecordsSearch } from "./records-filter";
import { StatusBadge, type RecordStatus } from "./status-badge";

/** A records list row as JSON (dates as ISO strings). */
export type RecordRow = {
  id: string;
  flowId: string;
  objectType: string;
  sourceId: string;
  naturalKey: string | null;
  status: RecordStatus;
  statusReason: string | null;
  missing: MissingKeyView[] | null;
  amount: string | null;
  currency: string | null;
  documentDate: string | null;
  targetRef: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  /** set while the record waits for a retry after a failed attempt */
  nextAttemptAt?: string | null;
};
export type RecordsPage = { items: RecordRow[]; nextCursor: string | null };
export type StatusCounts = Record<RecordStatus, number>;

const PAGE_SIZE = 100;

const fetchJson = async <T,>(url: string): Promise<T> => {
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `Request failed (${res.status})`);
  return body as T;
};

type BulkAction = { kind: "replay" | "release"; scope: "selection" | "filter"; count: number };

/**
 * The records browser: server-side filters kept in the URL, counts per status, keyset pages of 100
 * (newest first; "Load more" fetches the next page by cursor), and for admins a selection with bulk
 * Replay / Release, or the same on everything the filter matches, each confirmed with its count.
 */
export const RecordsBrowser = ({
  search,
  flows,
  initialPage,
  initialCounts,
  isAdmin,
}: {
  search: RecordsSearch;
  flows: { id: string; name: string }[];
  initialPage: RecordsPage;
  initialCounts: StatusCounts;
  isAdmin: boolean;
}) => {
  const router = useRouter();
  // null only while a Pages Router page renders (next/navigation compat types, since pages/api exists); this is an App Router page
  const pathname = usePathname() ?? "/records";
  const queryClient = useQueryClient();
  const searchKey = toApiQuery(search);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<BulkAction | null>(null);
  const [notice, setNotice] = useState<{ tone: "success" | "error"; text: string } | null>(null);

  // A new filter starts with an empty selection (reset while rendering, not in an effect).
  const [selectionKey, setSelectionKey] = useState(searchKey);
  if (selectionKey !== searchKey) {
    setSelectionKey(searchKey);
    setSelected(new Set());
  }
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "/" && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement)) {
        e.preventDefault();
        document.querySelector<HTMLInputElement>('form[aria-label="Filter records"] input[name="q"]')?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const pages = useInfiniteQuery({
    queryKey: ["records", searchKey],
    queryFn: ({ pageParam }) => fetchJson<RecordsPage>(`/api/records?${toApiQuery(search, { limit: String(PAGE_SIZE), cursor: pageParam ?? undefined })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: { pages: [initialPage], pageParams: [null] },
    staleTime: 5_000,
  });
  const { status: _s, ...countSearch } = search;
  const counts = useQuery({
    queryKey: ["records-counts", toApiQuery(countSearch)],
    queryFn: () => fetchJson<StatusCounts>(`/api/records/counts?${toApiQuery(countSearch)}`),
    initialData: initialCounts,
    staleTime: 5_000,
  });
  const rows = pages.data.pages.flatMap((p) => p.items);
  const total = RECORD_STATUSES.reduce((sum, s) => sum + counts.data[s], 0);

  // The filter last asked for while its page is still being rendered: a tab clicked and a search typed
  // before the first navigation lands combine instead of the second dropping the first.
  const [requested, setRequested] = useState<{ from: string; next: RecordsSearch } | null>(null);
  const current = requested?.from === searchKey ? requested.next : search;
  const navigate = (next: RecordsSearch) => {
    setRequested({ from: searchKey, next });
    const q = new URLSearchParams(Object.entries(next).filter(([, v]) => v) as [string, string][]);
    router.replace(q.size ? `${pathname}?${q}` : pathname, { scroll: false });
  };
  const onFilter = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const v = (k: string) => String(f.get(k) ?? "").trim() || undefined;
    navigate({
      ...current,
      flowId: v("flowId"),
      objectType: v("objectType"),
      from: v("from"),
      to: v("to"),
      documentFrom: v("documentFrom"),
      documentTo: v("documentTo"),
      amountMin: v("amountMin")?.replace(/,/g, ""),
      amountMax: v("amountMax")?.replace(/,/g, ""),
      q: v("q"),
    });
  };

  const replayable = (s: RecordStatus) => s === "failed" || s === "held" || s === "skipped";
  const selectedRows = rows.filter((r) => selected.has(r.id));
  const filterCount = (kind: "replay" | "release") => {
    const statuses: RecordStatus[] = kind === "release" ? ["held"] : ["failed", "held", "skipped"];
    return statuses.filter((s) => !search.status || s === search.status).reduce((sum, s) => sum + counts.data[s], 0);
  };

  const bulk = useMutation({
    mutationFn: async (action: BulkAction) => {
      const input = action.scope === "selection" ? { ids: [...selected] } : { filter: toRecordFilter(search) };
      if (action.kind === "replay") {
        const r = await replayRecordsAction(input);
        if (!r.ok) throw new Error(r.error.message);
        return `Queued ${r.data.queued} of ${r.data.considered} record${r.data.considered === 1 ? "" : "s"} for replay.`;
      }
      const r = await releaseHeldRecordsAction(input);
      if (!r.ok) throw new Error(r.error.message);
      const still = r.data.considered - r.data.released;
      return `Released ${r.data.released} held record${r.data.released === 1 ? "" : "s"}.${still > 0 ? ` ${still} still wait on a missing mapping and stay held.` : ""}`;
    },
    onSuccess: (text) => {
      setNotice({ tone: "success", text });
      setSelected(new Set());
    },
    onError: (err) => setNotice({ tone: "error", text: err.message }),
    onSettled: () => {
      setPending(null);
      void queryClient.invalidateQueries({ queryKey: ["records"] });
      void queryClient.invalidateQueries({ queryKey: ["records-counts"] });
    },
  });

  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const actionable = rows.filter((r) => replayable(r.status));
  const isAllSelected = actionable.length > 0 && actionable.every((r) => selected.has(r.id));

  return (
    <div className="space-y-3">
      <form onSubmit={onFilter} className="flex flex-wrap items-end gap-2" aria-label="Filter records" key={searchKey}>
        <label className="w-56 text-xs font-medium text-zinc-700">
          Flow
          <Select name="flowId" defaultValue={search.flowId ?? ""} className="mt-1">
            <option value="">All flows</option>
            {flows.map((f) => (
              <option key={f.id} value={f.id}>{f.name}</option>
            ))}
          </Select>
        </label>
        <label className="w-40 text-xs font-medium text-zinc-700">
          Object type
          <Select name="objectType" defaultValue={search.objectType ?? ""} className="mt-1">
            <option value="">All types</option>
            {OBJECT_TYPES.map((o) => (
              <option key={o.value} value={o.value}>{o.label}</option>
            ))}
          </Select>
        </label>
        <label className="w-36 text-xs font-medium text-zinc-700">
          Received from ({TIME_ZONE_LABEL})
          <DayInput name="from" defaultValue={search.from ?? ""} className="mt-1" />
        </label>
        <label className="w-36 text-xs font-medium text-zinc-700">
          Received to ({TIME_ZONE_LABEL})
          <DayInput name="to" defaultValue={search.to ?? ""} className="mt-1" />
        </label>
        <label className="w-36 text-xs font-medium text-zinc-700">
          Document date from
          <DayInput name="documentFrom" defaultValue={search.documentFrom ?? ""} className="mt-1" />
        </label>
        <label className="w-36 text-xs font-medium text-zinc-700">
          Document date to
          <DayInput name="documentTo" defaultValue={search.documentTo ?? ""} className="mt-1" />
        </label>
        <label className="w-28 text-xs font-medium text-zinc-700">
          Amount from
          <TextInput name="amountMin" inputMode="decimal" defaultValue={search.amountMin ?? ""} className="mt-1" />
        </label>
        <label className="w-28 text-xs font-medium text-zinc-700">
          Amount to
          <TextInput name="amountMax" inputMode="decimal" defaultValue={search.amountMax ?? ""} className="mt-1" />
        </label>
        <label className="w-56 text-xs font-medium text-zinc-700">
          Search
          <TextInput name="q" type="search" defaultValue={search.q ?? ""} placeholder="Number, target reference… ( / )" className="mt-1" />
        </label>
        <Button type="submit" variant="primary">Apply</Button>
        {Object.keys(search).length > 0 ? <Button onClick={() => navigate({})}>Clear</Button> : null}
      </form>

      <nav aria-label="Status" className="flex flex-wrap gap-1 border-b border-zinc-200">
        {[{ key: undefined, label: "All", n: total }, ...RECORD_STATUSES.map((s) => ({ key: s, label: s[0]!.toUpperCase() + s.slice(1), n: counts.data[s] }))].map((tab) => {
          const isCurrent = search.status === tab.key;
          return (
            <button
              key={tab.label}
              type="button"
              aria-current={isCurrent ? "page" : undefined}
              onClick={() => navigate({ ...current, status: tab.key })}
              className={`-mb-px border-b-2 px-3 py-1.5 text-sm ${isCurrent ? "border-blue-700 font-medium text-zinc-900" : "border-transparent text-zinc-600 hover:text-zinc-900"}`}
            >
              {tab.label} <span className="tabular-nums text-zinc-500" data-testid={`count-${tab.key ?? "all"}`} data-state="read">{tab.n.toLocaleString("en-US")}</span>
            </button>
          );
        })}
      </nav>

      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}

      {isAdmin ? (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="text-zinc-500">{selected.size > 0 ? `${selected.size} selected` : "Select records, or act on the whole filter:"}</span>
          {selected.size > 0 ? (
            <>
              <Button onClick={() => setPending({ kind: "replay", scope: "selection", count: selectedRows.filter((r) => replayable(r.status)).length })}>Replay selected</Button>
              <Button onClick={() => setPending({ kind: "release", scope: "selection", count: selectedRows.filter((r) => r.status === "held").length })}>Release selected</Button>
            </>
          ) : (
            <>
              <Button disabled={filterCount("replay") === 0} onClick={() => setPending({ kind: "replay", scope: "filter", count: Math.min(filterCount("replay"), 5000) })}>
                Replay all matching ({filterCount("replay").toLocaleString("en-US")})
              </Button>
              <Button disabled={filterCount("release") === 0} onClick={() => setPending({ kind: "release", scope: "filter", count: Math.min(filterCount("release"), 5000) })}>
                Release all held matching ({filterCount("release").toLocaleString("en-US")})
              </Button>
            </>
          )}
        </div>
      ) : (
        <p className="text-xs text-zinc-500">You have viewer access: you can read every record but not replay or release.</p>
      )}

      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Records</caption>
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
            <tr>
              {isAdmin ? (
                <th scope="col" className="w-8 px-3 py-2">
                  <input type="checkbox" aria-label="Select all replayable records shown" checked={isAllSelected} onChange={() => setSelected(isAllSelected ? new Set() : new Set(actionable.map((r) => r.id)))} />
                </th>
              ) : null}
              <th scope="col" className="px-3 py-2 font-medium">Document</th>
              <th scope="col" className="px-3 py-2 font-medium">Type</th>
              <th scope="col" className="px-3 py-2 font-medium">Status</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Amount</th>
              <th scope="col" className="px-3 py-2 font-medium">Document date</th>
              <th scope="col" className="px-3 py-2 font-medium">Target</th>
              <th scope="col" className="px-3 py-2 font-medium">Received ({TIME_ZONE_LABEL})</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {rows.map((r) => (
              <tr key={r.id} data-testid="record-row" data-status={r.status} className={selected.has(r.id) ? "bg-blue-50/60" : "hover:bg-zinc-50"}>
                {isAdmin ? (
                  <td className="px-3 py-1.5">
                    <input type="checkbox" aria-label={`Select ${revealBidiControls(r.naturalKey ?? r.sourceId)}`} checked={selected.has(r.id)} disabled={!replayable(r.status)} onChange={() => toggle(r.id)} />
                  </td>
                ) : null}
                <td className="px-3 py-1.5 font-medium">
                  <Link href={`/records/${r.id}`} className="text-blue-800 hover:underline"><VendorText>{r.naturalKey ?? r.sourceId}</VendorText></Link>
                </td>
                <td className="px-3 py-1.5 text-zinc-600">{r.objectType}</td>
                <td className="px-3 py-1.5">
                  <StatusBadge status={r.status} reason={r.statusReason} />
                  {r.status === "failed" && r.lastError ? (
                    <p className={`mt-0.5 max-w-md truncate text-xs ${r.statusReason === "retries-exhausted" ? "text-orange-800" : "text-red-700"}`} title={revealBidiControls(r.lastError)}>
                      <VendorText>{r.lastError}</VendorText>
                    </p>
                  ) : null}
                  {r.status === "held" && r.missing && r.missing.length > 0 ? (
                    <p className="mt-0.5 max-w-md text-xs text-amber-900">
                      <MissingKeys flowId={r.flowId} missing={r.missing} compact />
                    </p>
                  ) : null}
                  {r.status === "pending" && r.lastError ? (
                    <p className="mt-0.5 max-w-md text-xs text-amber-800" data-testid="retry-info" title={revealBidiControls(r.lastError)}>
                      retrying after {r.attempts} failed {r.attempts === 1 ? "attempt" : "attempts"} · next {r.nextAttemptAt ? formatInstant(r.nextAttemptAt) : "when the worker picks it up"}
                    </p>
                  ) : null}
                </td>
                <td className="whitespace-nowrap px-3 py-1.5 text-right tabular-nums">{formatAmount(r.amount, r.currency)}</td>
                <td className="whitespace-nowrap px-3 py-1.5 tabular-nums text-zinc-600">{formatCalendarDate(r.documentDate)}</td>
                <td className="px-3 py-1.5 text-zinc-600"><VendorText>{r.targetRef}</VendorText></td>
                <td className="whitespace-nowrap px-3 py-1.5 tabular-nums text-zinc-500">{formatInstant(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? <p className="px-4 py-8 text-center text-sm text-zinc-500">No records match this filter.</p> : null}
      </div>
      <div className="flex items-center gap-3 text-sm text-zinc-500">
        <span>Showing {rows.length.toLocaleString("en-US")} record{rows.length === 1 ? "" : "s"}, newest first.</span>
        {pages.hasNextPage ? (
          <Button onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
            {pages.isFetchingNextPage ? "Loading…" : `Load ${PAGE_SIZE} more`}
          </Button>
        ) : null}
        {pages.isError ? <Alert tone="error">{pages.error.message}</Alert> : null}
        <span className="ml-auto flex gap-3">
          <a href={`/api/records/export?${searchKey}`} download className="text-blue-800 hover:underline">Export matching records (CSV)</a>
          <a
            href={`/api/records/events-export?${selected.size > 0 ? new URLSearchParams({ ids: [...selected].slice(0, 200).join(",") }) : searchKey}`}
            download
            className="text-blue-800 hover:underline"
          >
            {selected.size > 0 ? `Export audit trail of ${Math.min(selected.size, 200)} selected (CSV)` : "Export audit trail of matching (CSV)"}
          </a>
        </span>
      </div>

      <ConfirmDialog
        isOpen={pending !== null}
        isBusy={bulk.isPending}
        title={pending?.kind === "replay" ? "Replay records" : "Release held records"}
        confirmLabel={pending ? `${pending.kind === "replay" ? "Replay" : "Release"} ${pending.count.toLocaleString("en-US")} record${pending.count === 1 ? "" : "s"}` : "Confirm"}
        onCancel={() => setPending(null)}
        onConfirm={() => pending && bulk.mutate(pending)}
      >
        {pending?.kind === "replay" ? (
          <p>
            {pending.count.toLocaleString("en-US")} failed, held or skipped record{pending.count === 1 ? "" : "s"} {pending.scope === "filter" ? "matching this filter" : "you selected"} will be fetched again from the
            source and posted. Each is looked up in the target first, so nothing already posted is posted twice.{pending.scope === "filter" && pending.count >= 5000 ? " At most 5,000 are replayed per click." : ""}
          </p>
        ) : pending ? (
          <p>
            Up to {pending.count.toLocaleString("en-US")} held record{pending.count === 1 ? "" : "s"} {pending.scope === "filter" ? "matching this filter" : "you selected"} will be released. Only those whose missing mappings now exist are
            queued; the others stay held.
          </p>
        ) : null}
      </ConfirmDialog>
    </div>
  );
};
