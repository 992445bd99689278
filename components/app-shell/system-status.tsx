"use client";

import { useQuery } from "@tanstack/react-query";
import type { Health } from "@/lib/health/get-health";

const fetchHealth = async (): Promise<Health> => {
  const res = await fetch("/api/health", { cache: "no-store" });
  return (await res.json()) as Health;
};

/** A one-line status of the database and workers, refreshed every 30 seconds. */
export const SystemStatus = () => {
  const { data, isError } = useQuery({ queryKey: ["health"], queryFn: fetchHealth, refetchInterval: 30_000 });
  const label = isError
    ? "Status unknown"
    : !data
      ? "Checking status…"
      : !data.database.ok
        ? "Database unreachable"
        : data.worker.ok
          ? `Worker running (${data.worker.workers})`
          : "Worker not running";
  const tone = !data || isError ? "bg-zinc-400" : data.status === "ok" ? "bg-emerald-500" : "bg-amber-500";
  return (
    <p className="flex items-center gap-2 px-2.5 text-xs text-zinc-500" aria-live="polite">
      <span aria-hidden="true" className={`size-2 rounded-full ${tone}`} />
      {label}
    </p>
  );
};
