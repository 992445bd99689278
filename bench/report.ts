import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/*
 * Rewrites the results block of BENCHMARKS.md (between the two markers) from bench/results/*.json,
 * so the document always shows the last run of each scenario with its machine and sizes.
 */

const START = "<!-- results:start -->";
const END = "<!-- results:end -->";

type Result = { scenario: string; sizes: string; at: string; machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverage: number[] }; rows: Record<string, unknown>[]; targets?: Record<string, unknown> };

const table = (rows: Record<string, unknown>[]) => {
  if (rows.length === 0) return "_no rows_\n";
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => c !== "note");
  const cell = (v: unknown) => (v === undefined ? "" : typeof v === "number" ? v.toLocaleString("en-US") : String(v)).replace(/\|/g, "\\|");
  const lines = [`| ${cols.join(" | ")} |`, `| ${cols.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(" | ")} |`)];
  const notes = rows.filter((r) => r.note).map((r) => `- ${String(r.scenario ?? "")}: ${String(r.note)}`);
  return `${lines.join("\n")}\n${notes.length ? `\n${notes.join("\n")}\n` : ""}`;
};

export const renderResults = (resultsDir: string) => {
  if (!existsSync(resultsDir)) return "_no results yet: run `npm run bench`_\n";
  const order = ["backfill", "invoices-only", "callouts", "licence", "intake", "records", "memory", "backfill-qad", "netsuite", "zoho-crm", "ifs-backfill"];
  const files = readdirSync(resultsDir)
    .filter((f) => f.endsWith(".json"))
    .sort((a, b) => order.indexOf(a.replace(".json", "")) - order.indexOf(b.replace(".json", "")));
  return files
    .map((f) => {
      const r = JSON.parse(readFileSync(path.join(resultsDir, f), "utf8")) as Result;
      const m = r.machine;
      return [
        `### ${r.scenario} (${r.sizes} sizes, ${r.at.slice(0, 16).replace("T", " ")} UTC)`,
        "",
        `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, load average at the start ${m.loadAverage.join(" / ")}.` +
          (r.targets ? ` Targets: ${Object.entries(r.targets).map(([k, v]) => `${k} ${String(v)}`).join(", ")}.` : ""),
        "",
        table(r.rows),
      ].join("\n");
    })
    .join("\n");
};

export const updateBenchmarksMd = (file: string, resultsDir: string) => {
  const block = `${START}\n${renderResults(resultsDir)}\n${END}`;
  const text = existsSync(file) ? readFileSync(file, "utf8") : `# Benchmarks\n\n${START}\n${END}\n`;
  const next = text.includes(START) && text.includes(END) ? text.replace(new RegExp(`${START}[\\s\\S]*?${END}`), block) : `${text}\n${block}\n`;
  writeFileSync(file, next);
};
