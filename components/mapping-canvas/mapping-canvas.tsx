"use client";

import { useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import { SourceValue, TargetValue } from "./nodes";
import { buildRows, HEADING_HEIGHT, ROW_HEIGHT } from "./rows";
import type { MappingBoard } from "./types";

/** Height of the canvas, width of the band between the columns where lines are drawn. */
const HEIGHT = 640;
const BAND = 180;
/** Top padding of each column, and where a value's middle lies within its row. */
const PAD = 8;
const MIDDLE = 22;
/** A press that moves less than this is a click (pick the source), not a drag. */
const CLICK_SLOP = 5;
/** Near a column's top or bottom edge a drag scrolls it. */
const EDGE = 48;

type Point = { x: number; y: number };
type Drag = { sourceKey: string; from: Point; to: Point; over: string | null };

const targetKeyAt = ({ x, y }: Point) => (document.elementFromPoint(x, y)?.closest<HTMLElement>("[data-target-key]")?.dataset.targetKey ?? null);

/** The rows of a column in view, as [row index, y of the value's middle within the canvas band]. */
const middlesInView = (v: Virtualizer<HTMLDivElement, Element>) => {
  const top = v.scrollOffset ?? 0;
  const shown = new Map<number, number>();
  for (const item of v.getVirtualItems()) {
    const y = item.start - top + MIDDLE;
    if (y >= 0 && y <= HEIGHT) shown.set(item.index, y);
  }
  return shown;
};

/**
 * Sources (left) and targets (right) as two virtualised columns that scroll on their own, so 5,000 x
 * 2,000 values stay fast. Each value names its mapped partner (a button that scrolls the other
 * column to it); lines are drawn only between values both on screen. Mapping: drag from a source's
 * handle and drop on a target (the drop is found under the pointer, wherever the columns are
 * scrolled), or click/Enter the handle, then a target. The parent persists and refetches.
 */
export const MappingCanvas = ({
  board,
  searching,
  isEditable,
  onMap,
  onUnmap,
  onRelease,
}: {
  board: MappingBoard;
  searching: { source: boolean; target: boolean };
  isEditable: boolean;
  onMap: (sourceKey: string, targetKey: string) => void;
  onUnmap: (sourceKey: string, targetKey: string) => void;
  onRelease: (sourceKey: string) => void;
}) => {
  const { source: searchingSource, target: searchingTarget } = searching;
  const { sources, targets, sourceIndex, targetIndex, mappedFrom } = useMemo(
    () => buildRows(board, { source: searchingSource, target: searchingTarget }),
    [board, searchingSource, searchingTarget],
  );
  const canvasRef = useRef<HTMLDivElement>(null);
  const sourceScroll = useRef<HTMLDivElement>(null);
  const targetScroll = useRef<HTMLDivElement>(null);
  const sourceColumn = useVirtualizer({
    count: sources.length,
    getScrollElement: () => sourceScroll.current,
    estimateSize: (i) => (sources[i]?.type === "heading" ? HEADING_HEIGHT : ROW_HEIGHT),
    getItemKey: (i) => sources[i]!.id,
    paddingStart: PAD,
    overscan: 6,
    initialRect: { width: 400, height: HEIGHT },
  });
  const targetColumn = useVirtualizer({
    count: targets.length,
    getScrollElement: () => targetScroll.current,
    estimateSize: (i) => (targets[i]?.type === "heading" ? HEADING_HEIGHT : ROW_HEIGHT),
    getItemKey: (i) => targets[i]!.id,
    paddingStart: PAD,
    overscan: 6,
    initialRect: { width: 400, height: HEIGHT },
  });

  const [picked, setPicked] = useState<string | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [focus, setFocus] = useState<{ side: "source" | "target"; key: string } | null>(null);

  useEffect(() => {
    if (picked !== null && !sourceIndex.has(picked)) setPicked(null);
  }, [picked, sourceIndex]);

  const showPartner = (side: "source" | "target", key: string) => {
    const index = side === "target" ? targetIndex.get(key) : sourceIndex.get(key);
    if (index === undefined) return;
    (side === "target" ? targetColumn : sourceColumn).scrollToIndex(index, { align: "center" });
    setFocus({ side, key });
  };

  const map = useCallback(
    (sourceKey: string, targetKey: string) => {
      setPicked(null);
      const current = board.sources.find((s) => s.key === sourceKey)?.target;
      if (current !== targetKey) onMap(sourceKey, targetKey);
    },
    [board.sources, onMap],
  );

  // A drag follows the pointer on the window: the drop target is whatever lies under the pointer at
  // release, so filtering, scrolling or layout shifts above the canvas cannot move the drop point.
  const startDrag = (e: ReactPointerEvent<HTMLButtonElement>, sourceKey: string) => {
    if (!isEditable || e.button !== 0) return;
    e.preventDefault();
    const r = e.currentTarget.getBoundingClientRect();
    const start = { x: e.clientX, y: e.clientY };
    setDrag({ sourceKey, from: { x: r.left + r.width / 2, y: r.top + r.height / 2 }, to: start, over: null });
    const onMove = (ev: PointerEvent) => {
      const to = { x: ev.clientX, y: ev.clientY };
      const column = targetScroll.current?.getBoundingClientRect();
      if (column && to.x >= column.left && to.x <= column.right) {
        if (to.y < column.top + EDGE) targetScroll.current!.scrollTop -= 24;
        else if (to.y > column.bottom - EDGE) targetScroll.current!.scrollTop += 24;
      }
      setDrag((d) => (d ? { ...d, to, over: targetKeyAt(to) } : d));
    };
    const onUp = (ev: PointerEvent) => {
      window.removeEventListener("pointermove", onMove);
      window.removeEventListener("pointerup", onUp);
      window.removeEventListener("pointercancel", onCancel);
      setDrag(null);
      const end = { x: ev.clientX, y: ev.clientY };
      if (Math.hypot(end.x - start.x, end.y - start.y) < CLICK_SLOP) {
        setPicked((p) => (p === sourceKey ? null : sourceKey));
        return;
      }
      const targetKey = targetKeyAt(end);
      if (targetKey !== null) map(sourceKey, targetKey);
    };
    const onCancel = () => {
      window.removeEventListener("pointermove", onMove);
      window.removeEventListener("pointerup", onUp);
      window.removeEventListener("pointercancel", onCancel);
      setDrag(null);
    };
    window.addEventListener("pointermove", onMove);
    window.addEventListener("pointerup", onUp);
    window.addEventListener("pointercancel", onCancel);
  };

  const sourceMiddles = middlesInView(sourceColumn);
  const targetMiddles = middlesInView(targetColumn);
  const lines: { sourceKey: string; targetKey: string; y1: number; y2: number }[] = [];
  for (const [i, y1] of sourceMiddles) {
    const row = sources[i];
    if (row?.type !== "value" || row.value.target === null) continue;
    const t = targetIndex.get(row.value.target);
    const y2 = t === undefined ? undefined : targetMiddles.get(t);
    if (y2 !== undefined) lines.push({ sourceKey: row.value.key, targetKey: row.value.target, y1, y2 });
  }
  const highlighted = (l: { sourceKey: string; targetKey: string }) =>
    l.sourceKey === picked || (focus?.side === "target" ? l.targetKey === focus.key : l.sourceKey === focus?.key);

  const canvasBox = drag ? canvasRef.current?.getBoundingClientRect() : undefined;

  return (
    <div ref={canvasRef} className="relative rounded-lg border border-zinc-200 bg-zinc-50/50" style={{ height: HEIGHT }} data-testid="mapping-canvas" onKeyDown={(e) => e.key === "Escape" && setPicked(null)}>
      <div className="grid h-full" style={{ gridTemplateColumns: `minmax(0, 1fr) ${BAND}px minmax(0, 1fr)` }}>
        <div ref={sourceScroll} className="overflow-y-auto overscroll-contain pl-3" role="list" aria-label={board.sourceLabel} data-testid="source-column">
          <div className="relative" style={{ height: sourceColumn.getTotalSize() }}>
            {sourceColumn.getVirtualItems().map((item) => {
              const row = sources[item.index]!;
              return (
                <div key={item.key} role="listitem" className="absolute inset-x-0" style={{ top: item.start, height: item.size }}>
                  {row.type === "heading" ? (
                    <p className="pt-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">{row.text}</p>
                  ) : (
                    <SourceValue
                      value={row.value}
                      isEditable={isEditable}
                      isPicked={picked === row.value.key}
                      isFocused={focus?.side === "source" && focus.key === row.value.key}
                      onHandleDown={(e) => startDrag(e, row.value.key)}
                      onHandleKey={() => setPicked((p) => (p === row.value.key ? null : row.value.key))}
                      onShowPartner={() => row.value.target !== null && showPartner("target", row.value.target)}
                      onUnmap={() => row.value.target !== null && onUnmap(row.value.key, row.value.target)}
                      onRelease={() => onRelease(row.value.key)}
                    />
                  )}
                </div>
              );
            })}
          </div>
          {sources.length === 0 ? <p className="px-2 py-8 text-center text-sm text-zinc-500">No {board.sourceLabel} matches.</p> : null}
        </div>
        <svg width={BAND} height={HEIGHT} className="pointer-events-none" aria-hidden="true">
          {lines.map((l) => (
            <path
              key={`${l.sourceKey}->${l.targetKey}`}
              data-testid="mapping-line"
              data-source={l.sourceKey}
              data-target={l.targetKey}
              d={`M 0 ${l.y1} C ${BAND / 2} ${l.y1}, ${BAND / 2} ${l.y2}, ${BAND} ${l.y2}`}
              fill="none"
              stroke={highlighted(l) ? "#1d4ed8" : "#71717a"}
              strokeWidth={highlighted(l) ? 2.5 : 1.25}
            />
          ))}
        </svg>
        <div ref={targetScroll} className="overflow-y-auto overscroll-contain pr-3" role="list" aria-label={board.targetLabel} data-testid="target-column">
          <div className="relative" style={{ height: targetColumn.getTotalSize() }}>
            {targetColumn.getVirtualItems().map((item) => {
              const row = targets[item.index]!;
              return (
                <div key={item.key} role="listitem" className="absolute inset-x-0" style={{ top: item.start, height: item.size }}>
                  {row.type === "heading" ? (
                    <p className="pt-2 pl-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">{row.text}</p>
                  ) : (
                    <TargetValue
                      value={row.value}
                      mappedFrom={mappedFrom.get(row.value.key) ?? []}
                      picked={isEditable ? picked : null}
                      isDropTarget={drag?.over === row.value.key}
                      isFocused={focus?.side === "target" && focus.key === row.value.key}
                      onPick={() => picked !== null && map(picked, row.value.key)}
                      onShowPartner={(key) => showPartner("source", key)}
                    />
                  )}
                </div>
              );
            })}
          </div>
          {targets.length === 0 ? <p className="px-2 py-8 text-center text-sm text-zinc-500">No {board.targetLabel} matches.</p> : null}
        </div>
      </div>
      {drag && canvasBox ? (
        <svg className="pointer-events-none absolute inset-0 h-full w-full" aria-hidden="true" data-testid="drag-line">
          <line x1={drag.from.x - canvasBox.left} y1={drag.from.y - canvasBox.top} x2={drag.to.x - canvasBox.left} y2={drag.to.y - canvasBox.top} stroke="#1d4ed8" strokeWidth={2} strokeDasharray="6 4" />
        </svg>
      ) : null}
    </div>
  );
};
