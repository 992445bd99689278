"use client";

import { Background, Controls, ReactFlow, useEdgesState, useNodesState, type Connection, type Edge, type Node } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useEffect, useMemo } from "react";
import { NODE_TYPES, NODE_WIDTH, ROW_HEIGHT, type SourceNodeType, type TargetNodeType } from "./nodes";
import { keyOfNodeId, sourceNodeId, targetNodeId, type MappingBoard } from "./types";

const TARGET_X = NODE_WIDTH + 260;

/**
 * Sources (left) and targets (right) of one window of the board; edges are the mappings between
 * visible nodes. Drawing an edge asks to save a mapping (`onMap`); selecting one and pressing
 * Delete/Backspace asks to remove it (`onUnmap`). The parent persists and refetches: this component
 * keeps only view state. Scrolling pans vertically; only visible elements are rendered.
 */
export const MappingCanvas = ({
  board,
  isEditable,
  onMap,
  onUnmap,
}: {
  board: MappingBoard;
  isEditable: boolean;
  onMap: (sourceKey: string, targetKey: string) => void;
  onUnmap: (sourceKey: string, targetKey: string) => void;
}) => {
  const built = useMemo(() => {
    const nodes: Node[] = [
      ...board.sources.map((s, i): SourceNodeType => ({
        id: sourceNodeId(s.key),
        type: "source",
        position: { x: 0, y: i * ROW_HEIGHT },
        data: { ...s, isConnectable: isEditable },
        draggable: false,
        selectable: false,
      })),
      ...board.targets.map((t, i): TargetNodeType => ({
        id: targetNodeId(t.key),
        type: "target",
        position: { x: TARGET_X, y: i * ROW_HEIGHT },
        data: { ...t, isConnectable: isEditable },
        draggable: false,
        selectable: false,
      })),
    ];
    const visibleTargets = new Set(board.targets.map((t) => t.key));
    const edges: Edge[] = board.sources
      .filter((s) => s.target !== null && visibleTargets.has(s.target))
      .map((s) => ({
        id: `${sourceNodeId(s.key)}->${s.target}`,
        source: sourceNodeId(s.key),
        target: targetNodeId(s.target!),
        deletable: isEditable,
        ariaLabel: `${s.key} maps to ${s.target}`,
        style: { strokeWidth: 1.5, stroke: "#52525b" },
      }));
    return { nodes, edges };
  }, [board, isEditable]);

  const [nodes, setNodes] = useNodesState<Node>(built.nodes);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>(built.edges);
  useEffect(() => {
    setNodes(built.nodes);
    setEdges(built.edges);
  }, [built, setNodes, setEdges]);

  const height = Math.max(board.sources.length, board.targets.length, 6) * ROW_HEIGHT;

  return (
    <div className="h-[640px] rounded-lg border border-zinc-200 bg-zinc-50/50" data-testid="mapping-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onEdgesChange={onEdgesChange}
        onConnect={(c: Connection) => {
          if (c.source.startsWith("s:") && c.target.startsWith("t:")) onMap(keyOfNodeId(c.source), keyOfNodeId(c.target));
        }}
        onBeforeDelete={async ({ edges: doomed }) => {
          for (const e of doomed) onUnmap(keyOfNodeId(e.source), keyOfNodeId(e.target));
          return false;
        }}
        nodesDraggable={false}
        nodesConnectable={isEditable}
        edgesFocusable
        elementsSelectable
        onlyRenderVisibleElements
        panOnScroll
        zoomOnScroll={false}
        minZoom={0.5}
        maxZoom={1.5}
        defaultViewport={{ x: 24, y: 16, zoom: 1 }}
        translateExtent={[
          [-200, -100],
          [TARGET_X + NODE_WIDTH + 200, height + 200],
        ]}
        proOptions={{ hideAttribution: true }}
        deleteKeyCode={isEditable ? ["Delete", "Backspace"] : null}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} position="bottom-right" />
      </ReactFlow>
    </div>
  );
};
