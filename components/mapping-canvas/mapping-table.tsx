"use client";

import { useState, type KeyboardEvent } from "react";
import { Button } from "@/components/ui/button";
import { formatAmounts, type MappingBoard } from "./types";

const TABLE_ROWS = 500;

/**
 * The same values as the canvas as a table, for keyboard use: type a target (suggestions from the
 * target system) and press Enter to save; Tab moves to the next row. Unmapped rows come first; the
 * first TABLE_ROWS are rendered (a search narrows the rest).
 */
export const MappingTable = ({
  board,
  isEditable,
  isSaving,
  onMap,
  onUnmap,
}: {
  board: MappingBoard;
  isEditable: boolean;
  isSaving: boolean;
  onMap: (sourceKey: string, targetValue: string) => void;
  onUnmap: (sourceKey: string, targetValue: string) => void;
}) => {
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const listId = `targets-${board.kind}`;
  const commit = (key: string, current: string | null) => {
    const value = (drafts[key] ?? "").trim();
    if (value && value !== current) onMap(key, value);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>, key: string, current: string | null) => {
    if (e.key === "Enter") {
      e.preventDefault();
      commit(key, current);
    }
    if (e.key === "Escape") setDrafts((d) => ({ ...d, [key]: current ?? "" }));
  };
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
      <datalist id={listId}>
        {board.targets.map((t) => (
          <option key={t.key} value={t.key}>{t.label ?? ""}</option>
        ))}
      </datalist>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Mappings</caption>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Source value</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Held records</th>
            <th scope="col" className="px-3 py-2 font-medium">Maps to</th>
            <th scope="col" className="px-3 py-2 font-medium"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {board.sources.slice(0, TABLE_ROWS).map((s) => (
            <tr key={s.key} className={s.target === null && s.waiting > 0 ? "bg-amber-50/60" : ""}>
              <td className="px-3 py-1.5">
                <span className="font-medium text-zinc-900">{s.key}</span>
                {s.label ? <span className="ml-2 text-xs text-zinc-500">{s.label}</span> : null}
              </td>
              <td className="px-3 py-1.5 text-right tabular-nums text-amber-900">{s.waiting > 0 ? `${s.waiting.toLocaleString("en-US")} · ${formatAmounts(s.amountByCurrency)}` : ""}</td>
              <td className="px-3 py-1">
                {isEditable ? (
                  <input
                    aria-label={`Target of ${s.key}`}
                    list={listId}
                    value={drafts[s.key] ?? s.target ?? ""}
                    placeholder="unmapped"
                    onChange={(e) => setDrafts((d) => ({ ...d, [s.key]: e.target.value }))}
                    onKeyDown={(e) => onKey(e, s.key, s.target)}
                    className="h-7 w-56 rounded border border-zinc-300 px-2 text-sm placeholder:text-amber-700 focus-visible:border-blue-600"
                  />
                ) : (
                  <span className={s.target ? "text-zinc-900" : "text-amber-800"}>{s.target ?? "unmapped"}</span>
                )}
              </td>
              <td className="px-3 py-1 text-right">
                {isEditable ? (
                  <span className="inline-flex gap-1">
                    <Button className="!h-7" disabled={isSaving || !(drafts[s.key] ?? "").trim() || drafts[s.key]?.trim() === s.target} onClick={() => commit(s.key, s.target)}>Save</Button>
                    {s.target ? <Button className="!h-7" variant="ghost" onClick={() => onUnmap(s.key, s.target!)}>Remove</Button> : null}
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {board.sources.length > TABLE_ROWS ? <p className="px-4 py-2 text-xs text-zinc-500">The first {TABLE_ROWS.toLocaleString("en-US")} of {board.sources.length.toLocaleString("en-US")} values are listed; search to find the others.</p> : null}
      {board.sources.length === 0 ? <p className="px-4 py-8 text-center text-sm text-zinc-500">No source values match.</p> : null}
    </div>
  );
};
