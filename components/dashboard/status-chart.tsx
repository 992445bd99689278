"use client";

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import type { FlowDashboard } from "@/lib/dashboard/get-flow-dashboard";

/** Fixed status colours used on every dashboard element (posted green, held amber, failed red). */
export const STATUS_COLOR = { posted: "#059669", pending: "#2563eb", held: "#d97706", failed: "#dc2626", skipped: "#a1a1aa" } as const;
export const STATUS_LABEL = { posted: "Posted", pending: "Pending", held: "Held", failed: "Failed", skipped: "Skipped" } as const;

/** Records per day over 30 days, stacked by status. */
export const StatusChart = ({ daily }: { daily: FlowDashboard["daily"] }) => (
  <figure aria-label="Records per day, last 30 days" className="overflow-x-auto">
    <BarChart width={720} height={200} data={daily} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} accessibilityLayer>
      <CartesianGrid vertical={false} stroke="#f4f4f5" />
      <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} tick={{ fontSize: 11, fill: "#71717a" }} interval={4} tickLine={false} axisLine={{ stroke: "#e4e4e7" }} />
      <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#71717a" }} tickLine={false} axisLine={false} />
      <Tooltip cursor={{ fill: "#f4f4f5" }} contentStyle={{ fontSize: 12, borderRadius: 6 }} labelFormatter={(d) => `${String(d)} (UTC)`} />
      <Legend iconSize={8} wrapperStyle={{ fontSize: 12 }} />
      {(Object.keys(STATUS_COLOR) as (keyof typeof STATUS_COLOR)[]).map((s) => (
        <Bar key={s} dataKey={s} name={STATUS_LABEL[s]} stackId="status" fill={STATUS_COLOR[s]} isAnimationActive={false} />
      ))}
    </BarChart>
  </figure>
);
