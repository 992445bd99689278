"use client";

import { getBezierPath, type ConnectionLineComponentProps, type Edge, type EdgeProps } from "@xyflow/react";
import { useCanvas } from "./nodes";

export type MappingEdgeType = Edge<{ sourceKey: string; targetKey: string; isHighlighted: boolean }, "mapping">;

/** A mapping between two values on screen; the ends are named for tests and the bench. */
const MappingLine = ({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data }: EdgeProps<MappingEdgeType>) => {
  const [d] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  return (
    <path
      d={d}
      data-testid="mapping-line"
      data-source={data?.sourceKey}
      data-target={data?.targetKey}
      fill="none"
      stroke={data?.isHighlighted ? "#1d4ed8" : "#71717a"}
      strokeWidth={data?.isHighlighted ? 2.5 : 1.25}
    />
  );
};

export const EDGE_TYPES = { mapping: MappingLine };

/**
 * The line drawn while dragging: from the source's handle to the middle of the target value under the
 * pointer, or else to the pointer itself. xyflow measures the pointer against the canvas box it read when the drag
 * began, so anything that moved the canvas since (the page scrolled, a message above it) would leave
 * the line's free end that far from the cursor: the free end is the live pointer instead. Its end is
 * written on the path (canvas pixels) so a test can check it against the real mouse.
 */
export const DragLine = ({ fromX, fromY, toX, toY, connectionStatus }: ConnectionLineComponentProps) => {
  const live = useCanvas().pointer.current;
  // over a target, xyflow ends the line at the middle of its handle, which covers the whole value
  const end = connectionStatus === "valid" || live === null ? { x: toX, y: toY } : live;
  return (
    <path
      d={`M ${fromX} ${fromY} L ${end.x} ${end.y}`}
      data-testid="drag-line"
      data-end-x={Math.round(end.x)}
      data-end-y={Math.round(end.y)}
      data-status={connectionStatus ?? undefined}
      fill="none"
      stroke="#1d4ed8"
      strokeWidth={2}
      strokeDasharray="6 4"
    />
  );
};
