"use client";

import type { PointerEvent as ReactPointerEvent } from "react";
import { formatAmounts, type BoardSource, type BoardTarget } from "./types";

const HANDLE = "size-4 shrink-0 rounded-full border-2 border-white bg-blue-700 shadow ring-1 ring-blue-700/40 touch-none";

/**
 * A source value: unmapped ones stand out (amber when records are held waiting on them); a mapped one
 * names its target (a button that brings it into view). The handle on the right starts a drag, or
 * picks the value for click-to-connect.
 */
export const SourceValue = ({
  value,
  isEditable,
  isPicked,
  isFocused,
  onHandleDown,
  onHandleKey,
  onShowPartner,
  onUnmap,
  onRelease,
}: {
  value: BoardSource;
  isEditable: boolean;
  isPicked: boolean;
  isFocused: boolean;
  onHandleDown: (e: ReactPointerEvent<HTMLButtonElement>) => void;
  onHandleKey: () => void;
  onShowPartner: () => void;
  onUnmap: () => void;
  onRelease: () => void;
}) => {
  const isWaiting = value.target === null && value.waiting > 0;
  const tone = isPicked
    ? "border-blue-600 bg-blue-50 ring-2 ring-blue-600/30"
    : value.target !== null
      ? "border-zinc-300 bg-white"
      : isWaiting
        ? "border-amber-400 bg-amber-50"
        : "border-dashed border-zinc-400 bg-zinc-50";
  return (
    <div
      className={`flex h-11 items-center gap-2 rounded-l-md border py-1 pr-1 pl-2.5 text-xs shadow-xs ${tone} ${isFocused ? "outline-2 outline-blue-600" : ""}`}
      data-testid={`source-node-${value.key}`}
      data-source-key={value.key}
      title={value.label ? `${value.key} (${value.label})` : value.key}
    >
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium text-zinc-900">{value.key}</p>
        {value.label ? <p className="truncate text-zinc-500">{value.label}</p> : null}
      </div>
      {isWaiting ? (
        <p className="shrink-0 text-right leading-4 text-amber-900">
          <span className="font-semibold tabular-nums">{value.waiting.toLocaleString("en-US")} held</span>
          <br />
          <span className="tabular-nums">{formatAmounts(value.amountByCurrency)}</span>
        </p>
      ) : value.target === null ? (
        <span className="shrink-0 text-zinc-500">unmapped</span>
      ) : (
        <span className="flex min-w-0 shrink items-center gap-1">
          {value.releasable > 0 && isEditable ? (
            <button type="button" onClick={onRelease} className="shrink-0 rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-900 hover:bg-amber-200" aria-label={`Release ${value.releasable} held record${value.releasable === 1 ? "" : "s"} of ${value.key}`}>
              Release {value.releasable.toLocaleString("en-US")}
            </button>
          ) : value.heldMapped > 0 ? (
            <span className="shrink-0 text-amber-900 tabular-nums">{value.heldMapped} held</span>
          ) : null}
          <button type="button" onClick={onShowPartner} className="max-w-36 truncate rounded bg-zinc-100 px-1.5 py-0.5 font-medium text-zinc-700 hover:bg-zinc-200" title={`Show ${value.target} in the other column`} data-testid="partner">
            → {value.target}
          </button>
          {isEditable ? (
            <button type="button" onClick={onUnmap} className="shrink-0 rounded px-1 text-zinc-500 hover:bg-zinc-100 hover:text-red-700" aria-label={`Remove mapping of ${value.key}`}>
              ×
            </button>
          ) : null}
        </span>
      )}
      {isEditable ? (
        <button
          type="button"
          className={`${HANDLE} cursor-crosshair`}
          aria-label={`Map ${value.key}`}
          aria-pressed={isPicked}
          data-handle="source"
          onPointerDown={onHandleDown}
          // a keyboard press (detail 0) picks the value; pointer presses are handled by the drag
          onClick={(e) => e.detail === 0 && onHandleKey()}
        />
      ) : null}
    </div>
  );
};

/**
 * A target value (read from the target system); it names the sources mapped to it (the first one is a
 * button that brings it into view). A drop lands on the whole value; with a source picked, clicking
 * the value or its handle maps it.
 */
export const TargetValue = ({
  value,
  mappedFrom,
  picked,
  isDropTarget,
  isFocused,
  onPick,
  onShowPartner,
}: {
  value: BoardTarget;
  mappedFrom: string[];
  picked: string | null;
  isDropTarget: boolean;
  isFocused: boolean;
  onPick: () => void;
  onShowPartner: (sourceKey: string) => void;
}) => {
  const tone = isDropTarget ? "border-blue-600 bg-blue-50 ring-2 ring-blue-600/30" : value.inCatalog && !value.inactive ? "border-zinc-300 bg-white" : "border-red-300 bg-red-50";
  const first = mappedFrom[0];
  return (
    <div
      className={`flex h-11 items-center gap-2 rounded-r-md border py-1 pr-2.5 pl-1 text-xs shadow-xs ${tone} ${isFocused ? "outline-2 outline-blue-600" : ""} ${picked ? "cursor-pointer" : ""}`}
      data-testid={`target-node-${value.key}`}
      data-target-key={value.key}
      onClick={(e) => picked && !(e.target as HTMLElement).closest("[data-partner]") && onPick()}
    >
      <button type="button" className={`${HANDLE} disabled:opacity-40`} aria-label={picked ? `Map ${picked} to ${value.key}` : `Map to ${value.key}`} data-handle="target" disabled={!picked} />
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium text-zinc-900">{value.key}</p>
        <p className="truncate text-zinc-500">{!value.inCatalog ? "not found in the target system" : value.inactive ? "inactive" : (value.label ?? "")}</p>
      </div>
      {first !== undefined ? (
        <button type="button" data-partner onClick={() => onShowPartner(first)} className="max-w-40 shrink truncate rounded bg-zinc-100 px-1.5 py-0.5 font-medium text-zinc-700 hover:bg-zinc-200" title={`Show ${first} in the other column`} data-testid="partner">
          ← {first}
          {value.mappedCount > 1 ? ` +${(value.mappedCount - 1).toLocaleString("en-US")}` : ""}
        </button>
      ) : value.mappedCount > 0 ? (
        <span className="shrink-0 text-zinc-500 tabular-nums">{value.mappedCount} mapped</span>
      ) : null}
    </div>
  );
};
