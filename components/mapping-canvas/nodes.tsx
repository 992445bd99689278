"use client";

import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { createContext, memo, useContext, type KeyboardEvent, type RefObject } from "react";
import type { SourceRow, TargetRow } from "./rows";
import { formatAmounts } from "./types";

/** What the value nodes share with the canvas: view state and the actions they start. */
export type CanvasState = {
  isEditable: boolean;
  picked: string | null;
  focus: { side: "source" | "target"; key: string } | null;
  mappedFrom: Map<string, string[]>;
  togglePick: (sourceKey: string) => void;
  map: (sourceKey: string, targetKey: string) => void;
  showPartner: (side: "source" | "target", key: string) => void;
  onUnmap: (sourceKey: string, targetKey: string) => void;
  onRelease: (sourceKey: string) => void;
  /** During a drag, the pointer in the canvas's pixels, read from the live mouse event and canvas box. */
  pointer: RefObject<{ x: number; y: number } | null>;
};

export const CanvasContext = createContext<CanvasState | null>(null);

export const useCanvas = () => {
  const state = useContext(CanvasContext);
  if (!state) throw new Error("a mapping-canvas node rendered outside MappingCanvas");
  return state;
};

export type SourceNodeType = Node<SourceRow & { type: "value" }, "source">;
export type TargetNodeType = Node<TargetRow & { type: "value" }, "target">;
export type HeadingNodeType = Node<{ text: string; side: "source" | "target" }, "heading">;

/** A value's node height (the row pitch adds the gap below it), a heading's, and the source handle's size. */
export const VALUE_HEIGHT = 44;
export const HEADING_NODE_HEIGHT = 30;
export const HANDLE_SIZE = 16;
/** The source handle's inset from the value's right edge (its padding and border). */
export const HANDLE_INSET = 5;

const pressed = (e: KeyboardEvent, run: () => void) => {
  if (e.key !== "Enter" && e.key !== " ") return;
  e.preventDefault();
  run();
};

/**
 * A source value: unmapped ones stand out (amber when records are held waiting on them); a mapped one
 * names its target (a button that brings it into view). Its handle on the right is the flow's source
 * handle: drag from it onto a target, or press it (click, Enter, Space) to pick the value for
 * click-to-connect.
 */
const SourceNodeView = ({ data: { value } }: NodeProps<SourceNodeType>) => {
  const { isEditable, picked, focus, togglePick, showPartner, onUnmap, onRelease } = useCanvas();
  const isPicked = picked === value.key;
  const isFocused = focus?.side === "source" && focus.key === value.key;
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
            <button type="button" onClick={() => onRelease(value.key)} className="shrink-0 rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-900 hover:bg-amber-200" aria-label={`Release ${value.releasable} held record${value.releasable === 1 ? "" : "s"} of ${value.key}`}>
              Release {value.releasable.toLocaleString("en-US")}
            </button>
          ) : value.heldMapped > 0 ? (
            <span className="shrink-0 text-amber-900 tabular-nums">{value.heldMapped} held</span>
          ) : null}
          <button type="button" onClick={() => showPartner("target", value.target!)} className="max-w-36 truncate rounded bg-zinc-100 px-1.5 py-0.5 font-medium text-zinc-700 hover:bg-zinc-200" title={`Show ${value.target} in the other column`} data-testid="partner">
            → {value.target}
          </button>
          {isEditable ? (
            <button type="button" onClick={() => onUnmap(value.key, value.target!)} className="shrink-0 rounded px-1 text-zinc-500 hover:bg-zinc-100 hover:text-red-700" aria-label={`Remove mapping of ${value.key}`}>
              ×
            </button>
          ) : null}
        </span>
      )}
      {isEditable ? (
        <Handle
          type="source"
          position={Position.Right}
          isConnectableEnd={false}
          className="mc-source-handle"
          role="button"
          tabIndex={0}
          aria-label={`Map ${value.key}`}
          aria-pressed={isPicked}
          // a press without a move (xyflow starts a connection only once the pointer moves) picks the value
          onClick={() => togglePick(value.key)}
          // no text selection starts with a drag, so the browser does not scroll the page under it
          onMouseDown={(e) => e.preventDefault()}
          onKeyDown={(e) => pressed(e, () => togglePick(value.key))}
        />
      ) : (
        // where the lines start on a read-only canvas
        <Handle type="source" position={Position.Right} isConnectable={false} className="mc-source-handle mc-read-only" aria-hidden="true" />
      )}
    </div>
  );
};

/**
 * A target value (read from the target system); it names the sources mapped to it (the first one is a
 * button that brings it into view). The whole value is the flow's target handle, so a drag ends on it
 * wherever the pointer is released over it; with a source picked, clicking the value or its dot (a
 * button, for the keyboard) maps it.
 */
const TargetNodeView = ({ data: { value } }: NodeProps<TargetNodeType>) => {
  const { isEditable, picked: pickedAny, focus, mappedFrom, map, showPartner } = useCanvas();
  const picked = isEditable ? pickedAny : null;
  const isFocused = focus?.side === "target" && focus.key === value.key;
  const tone = value.inCatalog && !value.inactive ? "border-zinc-300 bg-white" : "border-red-300 bg-red-50";
  const mapped = mappedFrom.get(value.key) ?? [];
  const first = mapped[0];
  return (
    <div
      className={`mc-target-row relative flex h-11 items-center gap-2 rounded-r-md border py-1 pr-2.5 pl-1 text-xs shadow-xs ${tone} ${isFocused ? "outline-2 outline-blue-600" : ""} ${picked ? "cursor-pointer" : ""}`}
      data-testid={`target-node-${value.key}`}
      data-target-key={value.key}
      onClick={() => picked !== null && map(picked, value.key)}
    >
      <Handle type="target" position={Position.Left} isConnectable={isEditable} isConnectableStart={false} className="mc-target-handle" aria-hidden="true" />
      <button
        type="button"
        className="mc-dot relative size-4 shrink-0 rounded-full border-2 border-white bg-blue-700 shadow ring-1 ring-blue-700/40 disabled:opacity-40"
        aria-label={picked ? `Map ${picked} to ${value.key}` : `Map to ${value.key}`}
        data-handle="target"
        disabled={!picked}
        onClick={(e) => {
          e.stopPropagation();
          if (picked !== null) map(picked, value.key);
        }}
      />
      <div className="pointer-events-none relative min-w-0 flex-1">
        <p className="truncate font-medium text-zinc-900">{value.key}</p>
        <p className="truncate text-zinc-500">{!value.inCatalog ? "not found in the target system" : value.inactive ? "inactive" : (value.label ?? "")}</p>
      </div>
      {first !== undefined ? (
        <button
          type="button"
          onClick={(e) => {
            e.stopPropagation();
            showPartner("source", first);
          }}
          className="relative max-w-40 shrink truncate rounded bg-zinc-100 px-1.5 py-0.5 font-medium text-zinc-700 hover:bg-zinc-200"
          title={`Show ${first} in the other column`}
          data-testid="partner"
        >
          ← {first}
          {value.mappedCount > 1 ? ` +${(value.mappedCount - 1).toLocaleString("en-US")}` : ""}
        </button>
      ) : value.mappedCount > 0 ? (
        <span className="pointer-events-none relative shrink-0 text-zinc-500 tabular-nums">{value.mappedCount} mapped</span>
      ) : null}
    </div>
  );
};

const HeadingNodeView = ({ data }: NodeProps<HeadingNodeType>) => (
  <p className={`pt-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase ${data.side === "target" ? "pl-2" : ""}`}>{data.text}</p>
);

/** The canvas's node types (one object for the module: ReactFlow re-mounts nodes when it changes). */
// A node re-renders for its own data and the canvas's view state, not for its position (every scroll moves it).
const sameData = <P extends { data: unknown }>(a: P, b: P) => a.data === b.data;
export const NODE_TYPES = {
  source: memo(SourceNodeView, sameData),
  target: memo(TargetNodeView, sameData),
  heading: memo(HeadingNodeView, sameData),
};
