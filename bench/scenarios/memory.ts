import { appendFileSync, writeFileSync } from "node:fs";
import { mb, type BenchContext } from "../lib/context";
import type { WorkerProcess } from "../lib/stack";
import { backfill, type BackfillResult } from "./backfill";

export type RssPoint = { seconds: number; rssMb: number; posted: number };

export type MemoryCurve = {
  /** RSS of the idle worker, once it said it is running (before Sync now) */
  idleRssMb: number;
  peakRssMb: number;
  /** RSS when 10 %, 25 %, 50 %, 75 % and 100 % of the records were posted */
  rssAtShareMb: Record<string, number>;
  /** least-squares slope of RSS over records posted, second half of the run (flat: about 0) */
  mbPer10kRecordsSecondHalf: number;
  /** highest RSS in the first and in the last quarter of the run */
  maxFirstQuarterMb: number;
  maxLastQuarterMb: number;
  samples: number;
  flat: boolean;
};

const slope = (xs: number[], ys: number[]) => {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
};

/** Summary of an RSS curve sampled against records posted. */
export const summariseCurve = (points: RssPoint[], idleRssMb: number): MemoryCurve => {
  const total = points.at(-1)?.posted ?? 0;
  const at = (share: number) => points.find((p) => p.posted >= share * total)?.rssMb ?? NaN;
  const secondHalf = points.filter((p) => p.posted >= total / 2);
  const perRecord = slope(
    secondHalf.map((p) => p.posted),
    secondHalf.map((p) => p.rssMb),
  );
  const quarter = (from: number, to: number) => Math.max(...points.filter((p) => p.posted >= from * total && p.posted <= to * total).map((p) => p.rssMb), 0);
  const mbPer10k = Number((perRecord * 10_000).toFixed(1));
  const maxFirstQuarterMb = quarter(0, 0.25);
  const maxLastQuarterMb = quarter(0.75, 1);
  return {
    idleRssMb,
    peakRssMb: Math.max(...points.map((p) => p.rssMb), idleRssMb),
    rssAtShareMb: Object.fromEntries([0.1, 0.25, 0.5, 0.75, 1].map((s) => [`${s * 100}%`, at(s)])),
    mbPer10kRecordsSecondHalf: mbPer10k,
    maxFirstQuarterMb,
    maxLastQuarterMb,
    samples: points.length,
    // streaming: the last quarter needs no more than the first (allowing 10 % noise from GC timing)
    flat: maxLastQuarterMb <= maxFirstQuarterMb * 1.1 + 5,
  };
};

export type MemoryRow = BackfillResult & { idleRssMb: number; flat: boolean; mbPer10kRecordsSecondHalf: number; workerCpuSeconds: number; workerCpuMsPerRecord: number };

/** A stop that keeps nothing of a long run: no progress for this long ends it (not the run's length). */
const STALL_MS = 15 * 60_000;

/**
 * Backfill with ONE worker process (concurrency 8): its resident set sampled once a second against the
 * records posted so far. Pages must stream: RSS at 100 % of the records must be what it was at 25 %.
 *
 * Made to finish a 100,000-invoice run (~186,000 records, one to two hours on a quiet 2-core machine;
 * the first attempt stopped at 74 % when its session ran out, after over 2 h at 13-35 records/s on a
 * machine it shared, and a fixed 4 h limit would have cut it too): the run ends when it is done or
 * when nothing moved for STALL_MS, whatever it lasts (`timeoutMs` only as an outer bound); above
 * 10,000 invoices the counts are read every 2 s instead of every 500 ms (a GROUP BY over all the
 * flow's records, on the cores the worker needs); and once a minute the curve so far is appended to
 * `progressFile`, so a run that is stopped keeps its figures.
 */
export const memoryRun = async (
  ctx: BenchContext,
  {
    invoices,
    timeoutMs,
    workerNodeArgs,
    label = "memory",
    progressFile,
  }: { invoices: number; timeoutMs: number; workerNodeArgs?: string[]; label?: string; progressFile?: string },
): Promise<{ row: MemoryRow; curve: MemoryCurve; points: RssPoint[] }> => {
  let worker: WorkerProcess | undefined;
  let startedAt = 0;
  let idleRssMb = 0;
  let posted = 0;
  let cpuAtStart = 0;
  let cpuAtEnd = 0;
  const points: RssPoint[] = [];
  if (progressFile) writeFileSync(progressFile, "");
  let progressAt = 0;
  const row = await backfill(ctx, {
    invoices,
    latencyMs: 0,
    timeoutMs,
    stallMs: STALL_MS,
    probeIntervalMs: invoices > 10_000 ? 2_000 : 500,
    workers: 1,
    concurrency: 8,
    label,
    workerNodeArgs,
    observe: {
      workers: ([w]) => (worker = w),
      syncStarted: () => {
        startedAt = Date.now();
        idleRssMb = mb(worker?.rss() ?? 0);
        cpuAtStart = worker?.cpuSeconds() ?? 0;
      },
      progress: (counts) => {
        posted = Object.entries(counts)
          .filter(([k]) => k.endsWith("/posted"))
          .reduce((n, [, v]) => n + v, 0);
        cpuAtEnd = worker?.cpuSeconds() ?? cpuAtEnd;
        const last = worker?.rssSamples().at(-1);
        if (last) points.push({ seconds: Number(((Date.now() - startedAt) / 1000).toFixed(1)), rssMb: mb(last.rss), posted });
        if (progressFile && Date.now() - progressAt >= 60_000) {
          progressAt = Date.now();
          const line = { at: new Date().toISOString(), seconds: points.at(-1)?.seconds ?? 0, posted, rssMb: points.at(-1)?.rssMb ?? 0, peakRssMb: mb(worker?.peakRss() ?? 0), workerCpuSeconds: Number((cpuAtEnd - cpuAtStart).toFixed(1)), counts };
          appendFileSync(progressFile, `${JSON.stringify(line)}\n`);
        }
      },
    },
  });
  // the peak the 100 ms sampler saw can sit between two progress probes
  const curve = { ...summariseCurve(points, idleRssMb), peakRssMb: row.peakWorkerRssMb };
  // the worker's own CPU time from Sync now to the last probe: what a flag costs, whatever the machine's load
  const workerCpuSeconds = Number((cpuAtEnd - cpuAtStart).toFixed(1));
  return {
    row: { ...row, idleRssMb, flat: curve.flat, mbPer10kRecordsSecondHalf: curve.mbPer10kRecordsSecondHalf, workerCpuSeconds, workerCpuMsPerRecord: Number(((workerCpuSeconds * 1000) / Math.max(1, row.records)).toFixed(2)) },
    curve,
    points,
  };
};

/** The curve in a few lines for the console: RSS at each tenth of the run. */
export const printCurve = (points: RssPoint[], curve: MemoryCurve) => {
  const total = points.at(-1)?.posted ?? 0;
  const lines = [`worker RSS over the run (idle ${curve.idleRssMb} MB, peak ${curve.peakRssMb} MB, ${curve.mbPer10kRecordsSecondHalf} MB per 10k records in the second half, ${curve.flat ? "flat" : "NOT flat"}):`];
  for (let i = 1; i <= 10; i++) {
    const p = points.find((q) => q.posted >= (i / 10) * total);
    if (p) lines.push(`  ${String(i * 10).padStart(3)} %  ${String(p.posted).padStart(7)} records  ${String(p.seconds).padStart(7)} s  ${String(p.rssMb).padStart(4)} MB ${"#".repeat(Math.round(p.rssMb / 10))}`);
  }
  console.log(lines.join("\n"));
};
