"use client";

import { Position, ReactFlow, type Connection, type Edge, type IsValidConnection, type Node, type NodeHandle } from "@xyflow/react";
import "@xyflow/react/dist/base.css";
import "./canvas.css";
import { useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FocusEvent } from "react";
import { DragLine, EDGE_TYPES, type MappingEdgeType } from "./lines";
import { CanvasContext, HANDLE_INSET, HANDLE_SIZE, HEADING_NODE_HEIGHT, NODE_TYPES, VALUE_HEIGHT, type CanvasState } from "./nodes";
import { buildRows, HEADING_HEIGHT, ROW_HEIGHT, type SourceRow, type TargetRow } from "./rows";
import type { MappingBoard } from "./types";

/** Height of the canvas, width of the band between the columns where lines are drawn. */
const HEIGHT = 640;
const BAND = 180;
/** Top padding of each column, side padding of the canvas, width of a column's scrollbar. */
const PAD = 8;
const SIDE = 12;
const BAR = 12;
/** Near the target column's top or bottom edge a drag scrolls it. */
const EDGE = 48;

type Side = "source" | "target";
type Column = Virtualizer<HTMLDivElement, Element>;

/** Flow node ids name the side and the value; the key is URI-encoded because xyflow puts node ids in CSS selectors. */
const nodeId = (side: Side, key: string) => `${side === "source" ? "s" : "t"}:${encodeURIComponent(key)}`;
const keyOf = (id: string) => decodeURIComponent(id.slice(2));

/** Each column's rows in view (overscan included) as flow nodes at the column's x, scrolled by its own offset. */
const columnNodes = (side: Side, rows: (SourceRow | TargetRow)[], column: Column, x: number, width: number) => {
  const top = column.scrollOffset ?? 0;
  const handles: NodeHandle[] =
    side === "source"
      ? [{ id: null, type: "source", position: Position.Right, x: width - HANDLE_INSET - HANDLE_SIZE, y: (VALUE_HEIGHT - HANDLE_SIZE) / 2, width: HANDLE_SIZE, height: HANDLE_SIZE }]
      : [{ id: null, type: "target", position: Position.Left, x: 0, y: 0, width, height: VALUE_HEIGHT }];
  return column.getVirtualItems().map((item): Node => {
    const row = rows[item.index]!;
    const position = { x, y: item.start - top };
    if (row.type === "heading") {
      return { id: row.id, type: "heading", position, data: { text: row.text, side }, width, height: HEADING_NODE_HEIGHT, measured: { width, height: HEADING_NODE_HEIGHT }, draggable: false, selectable: false, connectable: false };
    }
    return {
      id: nodeId(side, row.value.key),
      type: side,
      position,
      data: row,
      // sizes and handles are known up front: a node scrolled into view draws its lines at once, without waiting to be measured
      width,
      height: VALUE_HEIGHT,
      measured: { width, height: VALUE_HEIGHT },
      handles,
      draggable: false,
      selectable: false,
      style: { pointerEvents: "all" },
    };
  });
};

/** The rows of a column in view, as [row index, y of the value's middle within the canvas]. */
const middlesInView = (v: Column) => {
  const top = v.scrollOffset ?? 0;
  const shown = new Map<number, number>();
  for (const item of v.getVirtualItems()) {
    const y = item.start - top + VALUE_HEIGHT / 2;
    if (y >= 0 && y <= HEIGHT) shown.set(item.index, y);
  }
  return shown;
};

const isSourceToTarget: IsValidConnection = (c) => c.source.startsWith("s:") && c.target.startsWith("t:");

/**
 * Sources (left) and targets (right) on an @xyflow/react surface that neither pans nor zooms (one flow
 * pixel is one screen pixel): each column scrolls on its own (its scrollbar, or the wheel over it), and
 * only the rows in view of each column are nodes (windowed with @tanstack/react-virtual), so 5,000 x
 * 2,000 values stay fast. Each value names its mapped partner (a button that scrolls the other column
 * to it); edges join only the pairs both on screen. Mapping: drag from a source's handle onto a target
 * (xyflow's connection, ended by the target under the pointer), or press the handle (click, Enter),
 * then a target. The parent persists and refetches.
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
  /** Ends what a drag in progress listens to (set while one is). */
  const stopDrag = useRef<(() => void) | null>(null);
  const [width, setWidth] = useState(1100);
  useLayoutEffect(() => {
    const el = canvasRef.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const sourceColumn = useVirtualizer({
    count: sources.length,
    getScrollElement: () => sourceScroll.current,
    estimateSize: (i) => (sources[i]?.type === "heading" ? HEADING_HEIGHT : ROW_HEIGHT),
    getItemKey: (i) => sources[i]!.id,
    paddingStart: PAD,
    overscan: 3,
    initialRect: { width: BAR, height: HEIGHT },
  });
  const targetColumn = useVirtualizer({
    count: targets.length,
    getScrollElement: () => targetScroll.current,
    estimateSize: (i) => (targets[i]?.type === "heading" ? HEADING_HEIGHT : ROW_HEIGHT),
    getItemKey: (i) => targets[i]!.id,
    paddingStart: PAD,
    overscan: 3,
    initialRect: { width: BAR, height: HEIGHT },
  });

  const [picked, setPicked] = useState<string | null>(null);
  const [focus, setFocus] = useState<CanvasState["focus"]>(null);
  const [isConnecting, setConnecting] = useState(false);

  useEffect(() => {
    if (picked !== null && !sourceIndex.has(picked)) setPicked(null);
  }, [picked, sourceIndex]);

  const map = useCallback(
    (sourceKey: string, targetKey: string) => {
      setPicked(null);
      const current = board.sources.find((s) => s.key === sourceKey)?.target;
      if (current !== targetKey) onMap(sourceKey, targetKey);
    },
    [board.sources, onMap],
  );

  const showPartner = useCallback(
    (side: Side, key: string) => {
      const index = side === "target" ? targetIndex.get(key) : sourceIndex.get(key);
      if (index === undefined) return;
      (side === "target" ? targetColumn : sourceColumn).scrollToIndex(index, { align: "center" });
      setFocus({ side, key });
    },
    [sourceColumn, sourceIndex, targetColumn, targetIndex],
  );

  const pointer = useRef<{ x: number; y: number } | null>(null);
  const state = useMemo<CanvasState>(
    () => ({ isEditable, picked, focus, mappedFrom, togglePick: (key) => setPicked((p) => (p === key ? null : key)), map, showPartner, onUnmap, onRelease, pointer }),
    [isEditable, picked, focus, mappedFrom, map, showPartner, onUnmap, onRelease],
  );

  // Column geometry in flow pixels (= canvas pixels: the viewport is fixed at zoom 1, no pan).
  const columnWidth = Math.max(160, (width - BAND) / 2);
  const sourceX = SIDE;
  const sourceWidth = columnWidth - SIDE;
  const targetX = columnWidth + BAND;
  const targetWidth = Math.max(160, width - BAR - 4 - targetX);

  const nodes = [...columnNodes("source", sources, sourceColumn, sourceX, sourceWidth), ...columnNodes("target", targets, targetColumn, targetX, targetWidth)];
  const targetMiddles = middlesInView(targetColumn);
  const edges: Edge[] = [];
  for (const [i] of middlesInView(sourceColumn)) {
    const row = sources[i];
    if (row?.type !== "value" || row.value.target === null) continue;
    const t = targetIndex.get(row.value.target);
    if (t === undefined || !targetMiddles.has(t)) continue;
    const sourceKey = row.value.key;
    const targetKey = row.value.target;
    const isHighlighted = sourceKey === picked || (focus?.side === "target" ? targetKey === focus.key : sourceKey === focus?.key);
    edges.push({
      id: `${nodeId("source", sourceKey)}->${nodeId("target", targetKey)}`,
      type: "mapping",
      source: nodeId("source", sourceKey),
      target: nodeId("target", targetKey),
      data: { sourceKey, targetKey, isHighlighted },
      selectable: false,
      focusable: false,
      deletable: false,
      interactionWidth: 0,
      zIndex: isHighlighted ? 1 : 0,
    } satisfies MappingEdgeType);
  }

  // The wheel over a column scrolls that column (the surface itself does not pan).
  useEffect(() => {
    const el = canvasRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if ((e.target as Element).closest("[data-column-scroll]")) return;
      const box = el.getBoundingClientRect();
      const column = e.clientX - box.left < columnWidth + BAND / 2 ? sourceScroll.current : targetScroll.current;
      if (!column) return;
      const before = column.scrollTop;
      column.scrollTop += e.deltaY * (e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? HEIGHT : 1);
      // at a column's end the page scrolls on, except during a drag
      if (column.scrollTop !== before || stopDrag.current) e.preventDefault();
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, [columnWidth]);

  // Keyboard focus on a value half out of view scrolls its column to it; the browser would otherwise
  // scroll the flow's clipped container itself and shift every node off its handles.
  useEffect(() => {
    const el = canvasRef.current;
    if (!el) return;
    const onScroll = (e: Event) => {
      const scrolled = e.target as HTMLElement;
      if (scrolled.closest?.(".react-flow") && (scrolled.scrollTop !== 0 || scrolled.scrollLeft !== 0)) {
        scrolled.scrollTop = 0;
        scrolled.scrollLeft = 0;
      }
    };
    el.addEventListener("scroll", onScroll, true);
    return () => el.removeEventListener("scroll", onScroll, true);
  }, []);
  const onFocus = (e: FocusEvent) => {
    const value = (e.target as HTMLElement).closest<HTMLElement>("[data-source-key], [data-target-key]");
    const node = value?.closest<HTMLElement>(".react-flow__node");
    if (!value || !node) return;
    const box = node.getBoundingClientRect();
    const canvas = canvasRef.current!.getBoundingClientRect();
    if (box.top >= canvas.top && box.bottom <= canvas.bottom) return;
    const { sourceKey, targetKey } = value.dataset;
    const index = sourceKey !== undefined ? sourceIndex.get(sourceKey) : targetIndex.get(targetKey!);
    if (index !== undefined) (sourceKey !== undefined ? sourceColumn : targetColumn).scrollToIndex(index, { align: "auto" });
  };

  // During a drag: the pointer is kept in canvas pixels for the drag line (read in the capture phase,
  // before xyflow's own handler redraws it); near the target column's top or bottom edge that column
  // scrolls; the page holds still (the wheel over a column scrolls the column), so the canvas stays
  // where it was when the drag began.
  const onConnectStart = (start: MouseEvent | TouchEvent) => {
    setConnecting(true);
    const at = { x: window.scrollX, y: window.scrollY };
    const track = (ev: MouseEvent) => {
      const el = canvasRef.current;
      const canvas = el?.getBoundingClientRect();
      if (!el || !canvas) return;
      // flow pixels start inside the canvas's border
      pointer.current = { x: ev.clientX - canvas.left - el.clientLeft, y: ev.clientY - canvas.top - el.clientTop };
      const column = targetScroll.current;
      if (!column || ev.clientX < canvas.left + targetX || ev.clientX > canvas.right) return;
      if (ev.clientY < canvas.top + EDGE) column.scrollTop -= 24;
      else if (ev.clientY > canvas.bottom - EDGE) column.scrollTop += 24;
    };
    const holdPage = () => {
      if (window.scrollX !== at.x || window.scrollY !== at.y) window.scrollTo(at.x, at.y);
    };
    const holdWheel = (ev: WheelEvent) => {
      if (!canvasRef.current?.contains(ev.target as Element)) ev.preventDefault();
    };
    if ("clientX" in start) track(start);
    window.addEventListener("mousemove", track, true);
    window.addEventListener("scroll", holdPage);
    window.addEventListener("wheel", holdWheel, { passive: false });
    stopDrag.current = () => {
      window.removeEventListener("mousemove", track, true);
      window.removeEventListener("scroll", holdPage);
      window.removeEventListener("wheel", holdWheel);
      pointer.current = null;
    };
  };
  const onConnectEnd = () => {
    stopDrag.current?.();
    stopDrag.current = null;
    setConnecting(false);
  };
  useEffect(() => () => stopDrag.current?.(), []);

  return (
    <div
      ref={canvasRef}
      className="mapping-canvas relative overflow-hidden rounded-lg border border-zinc-200 bg-zinc-50/50"
      style={{ height: HEIGHT }}
      data-testid="mapping-canvas"
      data-connecting={isConnecting ? "" : undefined}
      onKeyDown={(e) => e.key === "Escape" && setPicked(null)}
      onFocus={onFocus}
    >
      <CanvasContext.Provider value={state}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          edgeTypes={EDGE_TYPES}
          connectionLineComponent={DragLine}
          onConnect={(c: Connection) => map(keyOf(c.source), keyOf(c.target))}
          onConnectStart={onConnectStart}
          onConnectEnd={onConnectEnd}
          isValidConnection={isSourceToTarget}
          nodesConnectable={isEditable}
          nodesDraggable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          connectOnClick={false}
          autoPanOnConnect={false}
          autoPanOnNodeFocus={false}
          panOnDrag={false}
          panOnScroll={false}
          zoomOnScroll={false}
          zoomOnPinch={false}
          zoomOnDoubleClick={false}
          preventScrolling={false}
          minZoom={1}
          maxZoom={1}
          defaultViewport={{ x: 0, y: 0, zoom: 1 }}
          deleteKeyCode={null}
          selectionKeyCode={null}
          multiSelectionKeyCode={null}
          disableKeyboardA11y
          proOptions={{ hideAttribution: true }}
        />
      </CanvasContext.Provider>
      <div ref={sourceScroll} data-column-scroll className="absolute top-0 overflow-y-auto overscroll-contain [scrollbar-width:thin]" style={{ left: columnWidth + 2, width: BAR, height: HEIGHT }} data-testid="source-column" aria-label={`Scroll the ${board.sourceLabel} column`}>
        <div style={{ height: sourceColumn.getTotalSize() }} />
      </div>
      <div ref={targetScroll} data-column-scroll className="absolute top-0 right-0 overflow-y-auto overscroll-contain [scrollbar-width:thin]" style={{ width: BAR, height: HEIGHT }} data-testid="target-column" aria-label={`Scroll the ${board.targetLabel} column`}>
        <div style={{ height: targetColumn.getTotalSize() }} />
      </div>
      {sources.length === 0 ? <p className="pointer-events-none absolute top-8 text-center text-sm text-zinc-500" style={{ left: sourceX, width: sourceWidth }}>No {board.sourceLabel} matches.</p> : null}
      {targets.length === 0 ? <p className="pointer-events-none absolute top-8 text-center text-sm text-zinc-500" style={{ left: targetX, width: targetWidth }}>No {board.targetLabel} matches.</p> : null}
    </div>
  );
};
