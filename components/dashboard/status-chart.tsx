"use client";

import { useState } from "react";
import type { FlowDashboard } from "@/lib/dashboard/get-flow-dashboard";

/** Fixed status colours used on every dashboard element (posted green, held amber, failed red). */
export const STATUS_COLOR = { posted: "#059669", pending: "#2563eb", held: "#d97706", failed: "#dc2626", skipped: "#a1a1aa" } as const;
export const STATUS_LABEL = { posted: "Posted", pending: "Pending", held: "Held", failed: "Failed", skipped: "Skipped" } as const;

type Status = keyof typeof STATUS_COLOR;
const STATUSES = Object.keys(STATUS_COLOR) as Status[];

const WIDTH = 720;
const HEIGHT = 200;
const PLOT = { left: 44, right: 8, top: 8, bottom: 22 };

/** A round axis maximum (1, 2 or 5 times a power of ten) at or above `max`, and its four steps. */
const axis = (max: number) => {
  if (max <= 0) return { top: 4, ticks: [0, 1, 2, 3, 4] };
  const step = [1, 2, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(max / 4))).find((s) => s * 4 >= max)!;
  return { top: step * 4, ticks: [0, 1, 2, 3, 4].map((i) => Math.round(i * step * 1e6) / 1e6) };
};

const count = (n: number) => n.toLocaleString("en-US");

/**
 * Records per day over 30 days, stacked by status, drawn as plain SVG so the server renders the bars
 * (the page's figures show with its HTML, before any script runs; a chart library that lays out in the
 * browser showed them only after hydration, seconds later on a loaded machine). Pointing at or focusing a
 * day shows its counts until another day is pointed at (a re-render while the pointer rests must not hide them).
 */
export const StatusChart = ({ daily }: { daily: FlowDashboard["daily"] }) => {
  const [active, setActive] = useState<number | null>(null);
  const totals = daily.map((d) => STATUSES.reduce((sum, s) => sum + d[s], 0));
  const { top, ticks } = axis(Math.max(0, ...totals));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const slot = plotWidth / Math.max(daily.length, 1);
  const barWidth = Math.max(2, slot * 0.7);
  const y = (n: number) => PLOT.top + plotHeight - (n / top) * plotHeight;
  const shown = active === null ? null : daily[active];
  return (
    <figure aria-label="Records per day, last 30 days" className="relative overflow-x-auto">
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="block">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PLOT.left} x2={WIDTH - PLOT.right} y1={y(t)} y2={y(t)} stroke="#f4f4f5" />
            <text x={PLOT.left - 6} y={y(t)} dy="0.32em" textAnchor="end" fontSize={11} fill="#71717a">
              {count(t)}
            </text>
          </g>
        ))}
        <line x1={PLOT.left} x2={WIDTH - PLOT.right} y1={y(0)} y2={y(0)} stroke="#e4e4e7" />
        {daily.map((d, i) => {
          const x = PLOT.left + i * slot + (slot - barWidth) / 2;
          let base = 0;
          return (
            <g
              key={d.day}
              data-testid="chart-day"
              role="img"
              tabIndex={0}
              aria-label={`${d.day} (UTC): ${STATUSES.map((s) => `${count(d[s])} ${STATUS_LABEL[s].toLowerCase()}`).join(", ")}`}
              onMouseEnter={() => setActive(i)}
              onFocus={() => setActive(i)}
              className="outline-none"
            >
              <rect x={PLOT.left + i * slot} y={PLOT.top} width={slot} height={plotHeight} fill={active === i ? "#f4f4f5" : "transparent"} />
              {STATUSES.map((s) => {
                if (d[s] === 0) return null;
                const rect = <rect key={s} data-testid="chart-bar" data-status={s} x={x} y={y(base + d[s])} width={barWidth} height={Math.max(1, y(base) - y(base + d[s]))} fill={STATUS_COLOR[s]} />;
                base += d[s];
                return rect;
              })}
              {i % 5 === 0 ? (
                <text x={x + barWidth / 2} y={HEIGHT - 6} textAnchor="middle" fontSize={11} fill="#71717a">
                  {d.day.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-1 flex flex-wrap justify-center gap-x-4 text-xs text-zinc-600">
        {STATUSES.map((s) => (
          <span key={s} className="flex items-center gap-1.5">
            <span aria-hidden="true" className="size-2" style={{ background: STATUS_COLOR[s] }} />
            {STATUS_LABEL[s]}
          </span>
        ))}
      </figcaption>
      {shown && active !== null ? (
        <div
          role="tooltip"
          data-testid="chart-tooltip"
          className="pointer-events-none absolute top-2 rounded-md border border-zinc-200 bg-white px-3 py-2 text-xs shadow-sm"
          style={active < daily.length / 2 ? { left: PLOT.left + (active + 1) * slot + 8 } : { left: PLOT.left + active * slot - 8, transform: "translateX(-100%)" }}
        >
          <p className="font-medium text-zinc-900">{shown.day} (UTC)</p>
          <dl className="mt-1 space-y-0.5">
            {STATUSES.map((s) => (
              <div key={s} className="flex justify-between gap-4">
                <dt style={{ color: STATUS_COLOR[s] }}>{STATUS_LABEL[s]}</dt>
                <dd className="tabular-nums text-zinc-900">{count(shown[s])}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
    </figure>
  );
};
