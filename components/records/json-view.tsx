"use client";

import { useState } from "react";
import { VendorText } from "@/components/ui/vendor-text";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const Scalar = ({ value }: { value: Json }) => {
  if (value === null) return <span className="text-zinc-400">null</span>;
  if (typeof value === "string") return <span className="text-emerald-800">&quot;<VendorText>{value}</VendorText>&quot;</span>;
  if (typeof value === "number") return <span className="tabular-nums text-blue-800">{value}</span>;
  return <span className="text-purple-800">{String(value)}</span>;
};

const Node = ({ name, value, depth }: { name: string | null; value: Json; depth: number }) => {
  const isBranch = value !== null && typeof value === "object";
  const [isOpen, setIsOpen] = useState(depth === 0);
  const label = name === null ? null : <span className="text-zinc-600"><VendorText>{name}</VendorText>: </span>;
  if (!isBranch) {
    return (
      <div className="pl-4">
        {label}
        <Scalar value={value} />
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <div className={depth === 0 ? "" : "pl-4"}>
      <button type="button" aria-expanded={isOpen} onClick={() => setIsOpen(!isOpen)} className="rounded text-left hover:bg-zinc-100">
        <span aria-hidden="true" className="inline-block w-3 text-zinc-400">{isOpen ? "▾" : "▸"}</span>
        {label}
        <span className="text-zinc-400">{summary}</span>
      </button>
      {isOpen ? entries.map(([k, v]) => <Node key={k} name={k} value={v} depth={depth + 1} />) : null}
    </div>
  );
};

/**
 * A payload as a collapsible tree: the top level is open, everything below starts collapsed (big
 * payloads stay readable). "Copy" puts the exact JSON on the clipboard.
 */
export const JsonView = ({ title, value }: { title: string; value: unknown }) => {
  const [isShown, setIsShown] = useState(false);
  if (value === null || value === undefined) {
    return (
      <section aria-label={title} className="rounded-lg border border-zinc-200 bg-white p-3 text-sm">
        <h3 className="font-medium text-zinc-900">{title}</h3>
        <p className="mt-1 text-zinc-500">None yet.</p>
      </section>
    );
  }
  return (
    <section aria-label={title} className="rounded-lg border border-zinc-200 bg-white p-3 text-sm">
      <div className="flex items-center justify-between">
        <button type="button" aria-expanded={isShown} onClick={() => setIsShown(!isShown)} className="font-medium text-zinc-900 hover:underline">
          <span aria-hidden="true" className="inline-block w-4 text-zinc-400">{isShown ? "▾" : "▸"}</span>
          {title}
        </button>
        <button type="button" className="text-xs text-zinc-500 hover:text-zinc-900" onClick={() => void navigator.clipboard?.writeText(JSON.stringify(value, null, 2))}>
          Copy JSON
        </button>
      </div>
      {isShown ? (
        <div className="mt-2 max-h-[32rem] overflow-auto font-mono text-xs leading-5">
          <Node name={null} value={value as Json} depth={0} />
        </div>
      ) : null}
    </section>
  );
};
