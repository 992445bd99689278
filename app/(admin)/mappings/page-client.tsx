"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useDeferredValue, useState, type ChangeEvent } from "react";
import { MappingCanvas } from "@/components/mapping-canvas/mapping-canvas";
import { MappingTable } from "@/components/mapping-canvas/mapping-table";
import { formatAmounts, type MappingBoard } from "@/components/mapping-canvas/types";
import { ReleaseDialog } from "@/components/mapping-canvas/release-dialog";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Select, TextInput } from "@/components/ui/field";
import { deleteValueMapAction } from "@/lib/actions/delete-value-map";
import { importValueMapsAction } from "@/lib/actions/import-value-maps";
import { releaseHeldRecordsAction } from "@/lib/actions/release-held-records";
import { saveValueMapAction } from "@/lib/actions/save-value-map";
import { setReleaseOnMappingAction } from "@/lib/actions/set-release-on-mapping";
import { placeSavedSource } from "@/lib/mapping-admin/board-order";
import type { ValueMapKindView } from "@/lib/mapping-admin/list-value-map-kinds";
import type { MissingMapping } from "@/lib/sync/list-missing-mappings";

/** Values per side the page reads at once: the canvas columns are virtualised, so whole catalogues fit. */
const WINDOW = 20_000;

const getJson = async <T,>(url: string): Promise<T> => {
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `Request failed (${res.status})`);
  return body as T;
};

type ReleaseOffer = { sourceKey: string; targetValue: string; waiting: number; releasable: number };
type Notice = { tone: "success" | "error" | "info"; text: string };

/** Mapping canvas and table of one flow and kind, with the coverage view, CSV import/export and release offers. */
export const MappingsPageClient = ({
  flows,
  flowId,
  kinds,
  kind,
  initialQuery,
  initialCoverage,
  isAdmin,
}: {
  flows: { id: string; name: string }[];
  flowId: string;
  /** the flow's value-map kinds, from its definition */
  kinds: ValueMapKindView[];
  kind: string;
  initialQuery: string;
  initialCoverage: MissingMapping[];
  isAdmin: boolean;
}) => {
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const [view, setView] = useState<"canvas" | "table">("canvas");
  const [sourceQ, setSourceQ] = useState(initialQuery);
  const [targetQ, setTargetQ] = useState("");
  const [show, setShow] = useState<"all" | "unmapped" | "waiting">("all");
  const [offsets, setOffsets] = useState({ source: 0, target: 0 });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [offer, setOffer] = useState<ReleaseOffer | null>(null);
  const [unmap, setUnmap] = useState<{ sourceKey: string; targetValue: string } | null>(null);
  const [importErrors, setImportErrors] = useState<{ line: number; message: string }[]>([]);
  const declared = kinds.find((k) => k.kind === kind) ?? kinds[0]!;
  const labels = { source: declared.sourceLabel, target: declared.targetLabel };
  const [isRefreshing, setIsRefreshing] = useState(false);
  const dSourceQ = useDeferredValue(sourceQ);
  const dTargetQ = useDeferredValue(targetQ);
  const searching = { source: dSourceQ.trim() !== "", target: dTargetQ.trim() !== "" };

  const go = (next: { flowId?: string; kind?: string }) => {
    const q = new URLSearchParams(next.flowId && next.flowId !== flowId ? { flowId: next.flowId } : { flowId, kind: next.kind ?? kind });
    router.push(`${pathname}?${q}`);
    setOffsets({ source: 0, target: 0 });
  };

  const boardParams = new URLSearchParams({
    kind,
    show,
    limit: String(WINDOW),
    sourceOffset: String(offsets.source),
    targetOffset: String(offsets.target),
    ...(dSourceQ.trim() ? { sourceQ: dSourceQ.trim() } : {}),
    ...(dTargetQ.trim() ? { targetQ: dTargetQ.trim() } : {}),
  });
  // an admin's "Read again": the next board request reads both catalogues from the vendors
  const readAgain = async () => {
    setIsRefreshing(true);
    try {
      const fresh = await getJson<MappingBoard>(`/api/mappings/${flowId}/board?${boardParams}&refresh=1`);
      queryClient.setQueryData(["mapping-board", flowId, boardParams.toString()], fresh);
      void queryClient.invalidateQueries({ queryKey: ["mapping-board", flowId], predicate: (q) => q.queryKey[2] !== boardParams.toString() });
    } catch (err) {
      setNotice({ tone: "error", text: err instanceof Error ? err.message : "Could not read the catalogues." });
    } finally {
      setIsRefreshing(false);
    }
  };
  const board = useQuery({
    queryKey: ["mapping-board", flowId, boardParams.toString()],
    queryFn: () => getJson<MappingBoard>(`/api/mappings/${flowId}/board?${boardParams}`),
    placeholderData: keepPreviousData,
  });
  const coverage = useQuery({
    queryKey: ["mapping-coverage", flowId],
    queryFn: () => getJson<MissingMapping[]>(`/api/mappings/${flowId}/coverage`),
    initialData: initialCoverage,
    staleTime: 5_000,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["mapping-board", flowId] });
    void queryClient.invalidateQueries({ queryKey: ["mapping-coverage", flowId] });
  };

  const save = useMutation({
    mutationFn: async ({ sourceKey, targetValue }: { sourceKey: string; targetValue: string }) => {
      const source = board.data?.sources.find((s) => s.key === sourceKey);
      const target = board.data?.targets.find((t) => t.key === targetValue);
      const r = await saveValueMapAction({ flowId, kind, sourceKey, targetValue, sourceLabel: source?.label ?? undefined, targetLabel: target?.label ?? undefined });
      if (!r.ok) throw new Error(r.error.message);
      return r.data;
    },
    // the line is drawn at once; the board read after the save confirms it (or, on a refusal, takes it back)
    onMutate: ({ sourceKey, targetValue }) => {
      setNotice(null);
      // the value takes its place in the board's order now, so reading the board back does not move it
      queryClient.setQueryData<MappingBoard>(["mapping-board", flowId, boardParams.toString()], (old) =>
        old ? { ...old, sources: placeSavedSource(old, searching, { sourceKey, targetValue }) } : old,
      );
    },
    onSuccess: (d) => {
      if (d.released > 0) {
        setNotice({ tone: "success", text: `Saved: “${d.valueMap.sourceKey}” → ${d.valueMap.targetValue}. Released ${d.released} held record${d.released === 1 ? "" : "s"} by themselves (this flow releases when a mapping is saved); they are being posted now.` });
        void queryClient.invalidateQueries({ queryKey: ["records"] });
      } else if (d.waiting > 0) setOffer({ sourceKey: d.valueMap.sourceKey, targetValue: d.valueMap.targetValue, waiting: d.waiting, releasable: d.releasable });
      else setNotice({ tone: "success", text: `Saved: “${d.valueMap.sourceKey}” → ${d.valueMap.targetValue}. No held records wait on it.` });
    },
    onError: (err) => setNotice({ tone: "error", text: err.message }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: async ({ sourceKey }: { sourceKey: string }) => {
      const r = await deleteValueMapAction({ flowId, kind, sourceKey });
      if (!r.ok) throw new Error(r.error.message);
      return sourceKey;
    },
    onSuccess: (key) => setNotice({ tone: "success", text: `Removed the mapping of “${key}”. New records that need it will be held.` }),
    onError: (err) => setNotice({ tone: "error", text: err.message }),
    onSettled: () => {
      setUnmap(null);
      refresh();
    },
  });
  const release = useMutation({
    mutationFn: async (input: Parameters<typeof releaseHeldRecordsAction>[0]) => {
      const r = await releaseHeldRecordsAction(input);
      if (!r.ok) throw new Error(r.error.message);
      return r.data;
    },
    onSuccess: (d) => setNotice({ tone: "success", text: `Released ${d.released} held record${d.released === 1 ? "" : "s"}; they are being posted now.` }),
    onError: (err) => setNotice({ tone: "error", text: err.message }),
    onSettled: () => {
      setOffer(null);
      refresh();
      void queryClient.invalidateQueries({ queryKey: ["records"] });
    },
  });
  const setAutoRelease = useMutation({
    mutationFn: async (releaseOnMapping: boolean) => {
      const r = await setReleaseOnMappingAction({ flowId, releaseOnMapping });
      if (!r.ok) throw new Error(r.error.message);
      return r.data;
    },
    onSuccess: (d) =>
      setNotice({ tone: "info", text: d.releaseOnMapping ? "This flow now releases held records by themselves when a mapping they wait on is saved." : "This flow now asks after each saved mapping whether to release the records waiting on it." }),
    onError: (err) => {
      setAutoDraft(null);
      setNotice({ tone: "error", text: err.message });
    },
    onSettled: refresh,
  });
  const [autoDraft, setAutoDraft] = useState<{ flowId: string; on: boolean } | null>(null);
  const [manual, setManual] = useState({ sourceKey: "", targetValue: "" });
  const importCsv = useMutation({
    mutationFn: async (csv: string) => {
      const r = await importValueMapsAction({ flowId, csv });
      if (!r.ok) throw new Error(r.error.message);
      return r.data;
    },
    onMutate: () => {
      setNotice(null);
      setImportErrors([]);
    },
    onSuccess: (d) => {
      if (!d.ok) {
        setImportErrors(d.errors);
        setNotice({ tone: "error", text: `Nothing was imported: ${d.errors.length} row${d.errors.length === 1 ? " has a problem" : "s have problems"}. Fix ${d.errors.length === 1 ? "it" : "them"} and import the file again.` });
        return;
      }
      setNotice({
        tone: "success",
        text: `Imported: ${d.created} new, ${d.updated} changed, ${d.unchanged} unchanged.${d.targetsChecked ? "" : " The target system could not be read, so target values were not checked."}`,
      });
      if (d.released > 0) setNotice({ tone: "success", text: `Imported: ${d.created} new, ${d.updated} changed, ${d.unchanged} unchanged. Released ${d.released} held record${d.released === 1 ? "" : "s"} by themselves.` });
      else if (d.releasable > 0) setOffer({ sourceKey: "", targetValue: "", waiting: d.releasable, releasable: d.releasable });
    },
    onError: (err) => setNotice({ tone: "error", text: err.message }),
    onSettled: refresh,
  });
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (file) importCsv.mutate(await file.text());
  };

  const b = board.data;
  // the flow setting as the admin set it on this page (a refused change is dropped), else as the board read it
  const releaseOnMapping = autoDraft?.flowId === flowId ? autoDraft.on : (b?.releaseOnMapping ?? false);
  const changeReleaseOnMapping = (on: boolean) => {
    setAutoDraft({ flowId, on });
    setAutoRelease.mutate(on);
  };
  const coverageRows = coverage.data.filter((m) => m.kind === kind);
  const totalWaiting = coverage.data.reduce((sum, m) => sum + m.records, 0);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <label className="w-64 text-xs font-medium text-zinc-700">
          Flow
          <Select className="mt-1" value={flowId} onChange={(e) => go({ flowId: e.target.value })}>
            {flows.map((f) => (
              <option key={f.id} value={f.id}>{f.name}</option>
            ))}
          </Select>
        </label>
        <div role="tablist" aria-label="What is mapped" className="flex rounded-md border border-zinc-300 bg-white p-0.5">
          {kinds.map((k) => (
            <button key={k.kind} role="tab" aria-selected={k.kind === kind} type="button" title={k.help ?? undefined} onClick={() => go({ kind: k.kind })} className={`rounded px-3 py-1 text-sm ${k.kind === kind ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100"}`}>
              {k.label}
            </button>
          ))}
        </div>
        <div role="tablist" aria-label="View" className="flex rounded-md border border-zinc-300 bg-white p-0.5">
          {(["canvas", "table"] as const).map((v) => (
            <button key={v} role="tab" aria-selected={v === view} type="button" onClick={() => setView(v)} className={`rounded px-3 py-1 text-sm ${v === view ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100"}`}>
              {v === "canvas" ? "Canvas" : "Table"}
            </button>
          ))}
        </div>
        <div className="ml-auto flex items-center gap-2">
          <a href={`/api/mappings/${flowId}/export?${new URLSearchParams({ kind })}`} className="inline-flex h-8 items-center rounded-md border border-zinc-300 bg-white px-3 text-sm font-medium text-zinc-800 hover:bg-zinc-50" download>
            Export CSV
          </a>
          {isAdmin ? (
            <Button onClick={() => void readAgain()} disabled={isRefreshing} title="Read both catalogues from the systems again instead of the cached copy">
              {isRefreshing ? "Reading…" : "Read again"}
            </Button>
          ) : null}
          {isAdmin ? (
            <label className="inline-flex h-8 cursor-pointer items-center rounded-md border border-zinc-300 bg-white px-3 text-sm font-medium text-zinc-800 hover:bg-zinc-50 focus-within:ring-2 focus-within:ring-blue-600">
              {importCsv.isPending ? "Importing…" : "Import CSV"}
              <input type="file" accept=".csv,text/csv" className="sr-only" onChange={(e) => void onFile(e)} aria-label="Import CSV" />
            </label>
          ) : null}
        </div>
      </div>

      <section aria-label="Mapping coverage" className="rounded-lg border border-zinc-200 bg-white p-3">
        <h2 className="text-sm font-semibold text-zinc-900">
          {totalWaiting === 0 ? "Every held record has its mappings" : `${totalWaiting.toLocaleString("en-US")} held record${totalWaiting === 1 ? "" : "s"} wait on ${coverage.data.length} missing mapping${coverage.data.length === 1 ? "" : "s"}`}
        </h2>
        {coverageRows.length > 0 ? (
          <ul className="mt-2 divide-y divide-zinc-100 text-sm">
            {coverageRows.slice(0, 8).map((m) => (
              <li key={m.sourceKey} className="flex items-center justify-between gap-3 py-1">
                <button type="button" className="truncate text-left font-medium text-amber-900 hover:underline" onClick={() => { setSourceQ(m.sourceKey); setOffsets((o) => ({ ...o, source: 0 })); }}>
                  {m.sourceKey}
                </button>
                <span className="shrink-0 tabular-nums text-zinc-600">
                  {m.records.toLocaleString("en-US")} held · {formatAmounts(m.amountByCurrency)}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        {coverage.data.length > coverageRows.length ? <p className="mt-1 text-xs text-zinc-500">{coverage.data.length - coverageRows.length} more missing under the other kinds.</p> : null}
      </section>

      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
      {b && b.releasableTotal > 0 ? (
        <div role="region" aria-label="Held records ready" className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <span>
            {b.releasableTotal.toLocaleString("en-US")} held record{b.releasableTotal === 1 ? " has" : "s have"} every {labels.source} mapping {b.releasableTotal === 1 ? "it needs" : "they need"} and still wait{b.releasableTotal === 1 ? "s" : ""} for a release.
          </span>
          {isAdmin ? (
            <Button variant="primary" className="!h-7" disabled={release.isPending} onClick={() => release.mutate({ filter: { flowId, status: "held" } })}>
              Release now
            </Button>
          ) : null}
        </div>
      ) : null}
      {importErrors.length > 0 ? (
        <div role="alert" className="max-h-48 overflow-auto rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          <ul>
            {importErrors.map((e) => (
              <li key={`${e.line}:${e.message}`}>Line {e.line}: {e.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {b?.sourceError ? <Alert tone="error">{b.sourceError} Values seen in records and existing mappings are still shown.</Alert> : null}
      {b?.targetError ? <Alert tone="error">{b.targetError} Only targets already used by mappings are shown.</Alert> : null}
      {!isAdmin ? <Alert tone="info">You have viewer access: you can look at mappings but not change them.</Alert> : null}

      <div className="grid grid-cols-2 gap-4">
        <div className="flex flex-wrap items-end gap-2">
          <label className="w-64 text-xs font-medium text-zinc-700">
            Search {labels.source}
            <TextInput className="mt-1" type="search" value={sourceQ} onChange={(e) => { setSourceQ(e.target.value); setOffsets((o) => ({ ...o, source: 0 })); }} placeholder="Name or key" />
          </label>
          <label className="w-40 text-xs font-medium text-zinc-700">
            Show
            <Select className="mt-1" value={show} onChange={(e) => { setShow(e.target.value as typeof show); setOffsets((o) => ({ ...o, source: 0 })); }}>
              <option value="all">All</option>
              <option value="unmapped">Unmapped</option>
              <option value="waiting">With held records</option>
            </Select>
          </label>
          <Pager label="sources" offset={offsets.source} total={b?.sourceTotal ?? 0} all={b?.sourceCount ?? 0} onMove={(source) => setOffsets((o) => ({ ...o, source }))} />
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <label className="w-64 text-xs font-medium text-zinc-700">
            Search {labels.target}
            <TextInput className="mt-1" type="search" value={targetQ} onChange={(e) => { setTargetQ(e.target.value); setOffsets((o) => ({ ...o, target: 0 })); }} placeholder="Number or name" />
          </label>
          <Pager label="targets" offset={offsets.target} total={b?.targetTotal ?? 0} all={b?.targetCount ?? 0} onMove={(target) => setOffsets((o) => ({ ...o, target }))} />
        </div>
      </div>

      {isAdmin && b ? (
        <div className="flex flex-wrap items-end justify-between gap-3 rounded-lg border border-zinc-200 bg-white px-3 py-2">
          <form
            aria-label="Map a value in advance"
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              const sourceKey = manual.sourceKey.trim();
              const targetValue = manual.targetValue.trim();
              if (!sourceKey || !targetValue) return;
              save.mutate({ sourceKey, targetValue }, { onSuccess: () => setManual({ sourceKey: "", targetValue: "" }) });
            }}
          >
            <label className="w-56 text-xs font-medium text-zinc-700">
              {labels.source} not seen yet
              <TextInput className="mt-1" value={manual.sourceKey} maxLength={255} onChange={(e) => setManual((m) => ({ ...m, sourceKey: e.target.value }))} placeholder="Key, as the source sends it" />
            </label>
            <label className="w-56 text-xs font-medium text-zinc-700">
              Maps to {labels.target}
              <TextInput className="mt-1" list="manual-targets" value={manual.targetValue} maxLength={255} onChange={(e) => setManual((m) => ({ ...m, targetValue: e.target.value }))} placeholder="Number or name" />
            </label>
            <datalist id="manual-targets">
              {b.targets.map((t) => (
                <option key={t.key} value={t.key}>{t.label ?? ""}</option>
              ))}
            </datalist>
            <Button type="submit" disabled={save.isPending || !manual.sourceKey.trim() || !manual.targetValue.trim()}>Map in advance</Button>
          </form>
          <label className="flex items-center gap-2 text-xs text-zinc-700">
            <input type="checkbox" checked={releaseOnMapping} disabled={setAutoRelease.isPending} onChange={(e) => changeReleaseOnMapping(e.target.checked)} />
            Release held records by themselves when their mapping is saved
          </label>
        </div>
      ) : null}

      {board.isError ? <Alert tone="error">{board.error.message}</Alert> : null}
      {!b ? (
        <p className="rounded-lg border border-zinc-200 bg-white px-4 py-16 text-center text-sm text-zinc-500">Reading {labels.source} and {labels.target}…</p>
      ) : view === "canvas" ? (
        <>
          <p className="text-xs text-zinc-500">
            {isAdmin ? "Drag from a source’s handle onto a target (or click the handle, then the target) to map it; × removes a mapping. " : ""}Each column scrolls on its own; each value names its partner (click it to bring it into view), and lines join the pairs both on screen.
          </p>
          <MappingCanvas
            board={b}
            searching={searching}
            isEditable={isAdmin}
            onMap={(sourceKey, targetValue) => save.mutate({ sourceKey, targetValue })}
            onUnmap={(sourceKey, targetValue) => setUnmap({ sourceKey, targetValue })}
            onRelease={(sourceKey) => release.mutate({ flowId, kind, sourceKey })}
          />
        </>
      ) : (
        <MappingTable board={b} isEditable={isAdmin} isSaving={save.isPending} onMap={(sourceKey, targetValue) => save.mutate({ sourceKey, targetValue })} onUnmap={(sourceKey, targetValue) => setUnmap({ sourceKey, targetValue })} />
      )}

      <ReleaseDialog
        isOpen={offer !== null}
        isBusy={release.isPending || setAutoRelease.isPending}
        title={offer?.sourceKey ? `Saved: “${offer.sourceKey}” → ${offer.targetValue}` : "Release held records"}
        releaseLabel="Release now"
        releaseOnMapping={releaseOnMapping}
        onReleaseOnMappingChange={changeReleaseOnMapping}
        onKeep={() => {
          if (offer) {
            setNotice({
              tone: "info",
              text: `${offer.sourceKey ? `Saved “${offer.sourceKey}” → ${offer.targetValue}. ` : ""}${offer.waiting.toLocaleString("en-US")} record${offer.waiting === 1 ? " stays" : "s stay"} held. Release them here when ready: “Release now” above, or “Release” on the value.`,
            });
          }
          setOffer(null);
        }}
        onRelease={() => offer && release.mutate(offer.sourceKey ? { flowId, kind, sourceKey: offer.sourceKey } : { filter: { flowId, status: "held" } })}
      >
        {offer?.sourceKey ? (
          <p>
            {offer.waiting.toLocaleString("en-US")} held record{offer.waiting === 1 ? "" : "s"} wait{offer.waiting === 1 ? "s" : ""} on this mapping.{" "}
            {offer.releasable === offer.waiting ? `All ${offer.releasable.toLocaleString("en-US")} can be released and posted now.` : `${offer.releasable.toLocaleString("en-US")} can be released now; the others still wait on another mapping.`}
          </p>
        ) : (
          <p>{offer?.releasable.toLocaleString("en-US")} held record{offer?.releasable === 1 ? "" : "s"} of this flow now have every mapping they need. Release them to be posted?</p>
        )}
      </ReleaseDialog>
      <ConfirmDialog
        isOpen={unmap !== null}
        isBusy={remove.isPending}
        title="Remove mapping"
        confirmLabel="Remove mapping"
        onCancel={() => setUnmap(null)}
        onConfirm={() => unmap && remove.mutate({ sourceKey: unmap.sourceKey })}
      >
        <p>
          Remove “{unmap?.sourceKey}” → {unmap?.targetValue}? Records already posted keep their accounts; new records that need this mapping will be held until it is mapped again.
        </p>
      </ConfirmDialog>
    </div>
  );
};

const Pager = ({ label, offset, total, all, onMove }: { label: string; offset: number; total: number; all: number; onMove: (offset: number) => void }) => (
  <div className="flex items-center gap-1 pb-0.5 text-xs text-zinc-500">
    <span className="tabular-nums" data-testid={`pager-${label}`}>
      {total === 0 ? "none" : `${(offset + 1).toLocaleString("en-US")}–${Math.min(offset + WINDOW, total).toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`}
      {all !== total ? ` (${all.toLocaleString("en-US")} in all)` : ""}
    </span>
    <Button variant="ghost" className="!h-7 !px-2" aria-label={`Previous ${label}`} disabled={offset === 0} onClick={() => onMove(Math.max(0, offset - WINDOW))}>‹</Button>
    <Button variant="ghost" className="!h-7 !px-2" aria-label={`Next ${label}`} disabled={offset + WINDOW >= total} onClick={() => onMove(offset + WINDOW)}>›</Button>
  </div>
);
