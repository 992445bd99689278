"use client";

import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { formatAmounts, type BoardSource, type BoardTarget } from "./types";

export type SourceNodeData = BoardSource & { isConnectable: boolean };
export type TargetNodeData = BoardTarget & { isConnectable: boolean };
export type SourceNodeType = Node<SourceNodeData, "source">;
export type TargetNodeType = Node<TargetNodeData, "target">;

/** Node width and row pitch of the two columns. */
export const NODE_WIDTH = 300;
export const ROW_HEIGHT = 52;

/** A source value; unmapped ones stand out (amber when records are held waiting on them). */
export const SourceNode = ({ data }: NodeProps<SourceNodeType>) => {
  const isWaiting = data.target === null && data.waiting > 0;
  const tone = data.target !== null ? "border-zinc-300 bg-white" : isWaiting ? "border-amber-400 bg-amber-50" : "border-dashed border-zinc-400 bg-zinc-50";
  return (
    <div
      className={`flex h-11 items-center justify-between gap-2 rounded-md border px-2.5 text-xs shadow-xs ${tone}`}
      style={{ width: NODE_WIDTH }}
      data-testid={`source-node-${data.key}`}
      title={data.label ? `${data.key} (${data.label})` : data.key}
    >
      <div className="min-w-0">
        <p className="truncate font-medium text-zinc-900">{data.key}</p>
        {data.label ? <p className="truncate text-zinc-500">{data.label}</p> : null}
      </div>
      {isWaiting ? (
        <p className="shrink-0 text-right leading-4 text-amber-900">
          <span className="font-semibold tabular-nums">{data.waiting.toLocaleString("en-US")} held</span>
          <br />
          <span className="tabular-nums">{formatAmounts(data.amountByCurrency)}</span>
        </p>
      ) : data.target === null ? (
        <span className="shrink-0 text-zinc-500">unmapped</span>
      ) : null}
      <Handle type="source" position={Position.Right} isConnectable={data.isConnectable} className="!size-3 !border-2 !border-white !bg-blue-700" aria-label={`Map ${data.key}`} />
    </div>
  );
};

/** A target value (GL account or customer) read from the target system. */
export const TargetNode = ({ data }: NodeProps<TargetNodeType>) => (
  <div
    className={`flex h-11 items-center justify-between gap-2 rounded-md border px-2.5 text-xs shadow-xs ${data.inCatalog && !data.inactive ? "border-zinc-300 bg-white" : "border-red-300 bg-red-50"}`}
    style={{ width: NODE_WIDTH }}
    data-testid={`target-node-${data.key}`}
  >
    <Handle type="target" position={Position.Left} isConnectable={data.isConnectable} className="!size-3 !border-2 !border-white !bg-blue-700" aria-label={`Map to ${data.key}`} />
    <div className="min-w-0">
      <p className="truncate font-medium text-zinc-900">{data.key}</p>
      <p className="truncate text-zinc-500">{!data.inCatalog ? "not found in the target system" : data.inactive ? "inactive" : (data.label ?? "")}</p>
    </div>
    {data.mappedCount > 0 ? <span className="shrink-0 tabular-nums text-zinc-500">{data.mappedCount} mapped</span> : null}
  </div>
);

export const NODE_TYPES = { source: SourceNode, target: TargetNode };
