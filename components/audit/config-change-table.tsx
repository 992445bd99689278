import { formatInstant, TIME_ZONE_LABEL } from "@/components/ui/format-time";
import { VendorText } from "@/components/ui/vendor-text";
import type { ConfigFieldChange } from "@/lib/audit/config-change-schemas";

/** A change-log entry as the page renders it (dates as ISO strings). */
export type ConfigChangeRow = {
  id: string;
  at: string;
  actorEmail: string | null;
  entity: string;
  entityLabel: string;
  action: string;
  flow: { id: string; name: string } | null;
  changes: ConfigFieldChange[];
};

const show = (v: unknown) => (v === null || v === undefined || v === "" ? "—" : typeof v === "string" ? v : JSON.stringify(v));

const ACTION_CLASS: Record<string, string> = {
  created: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  updated: "bg-blue-50 text-blue-800 ring-blue-200",
  deleted: "bg-red-50 text-red-800 ring-red-200",
};

/** The change log: when (UTC), who, what, and each field old -> new; secrets only as "changed". */
export const ConfigChangeTable = ({ rows }: { rows: readonly ConfigChangeRow[] }) => (
  <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Configuration changes</caption>
      <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
        <tr>
          <th scope="col" className="px-3 py-2 font-medium">When ({TIME_ZONE_LABEL})</th>
          <th scope="col" className="px-3 py-2 font-medium">Who</th>
          <th scope="col" className="px-3 py-2 font-medium">What</th>
          <th scope="col" className="px-3 py-2 font-medium">Change (old → new)</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 align-top">
        {rows.map((r) => (
          <tr key={r.id} data-testid="config-change">
            <td className="whitespace-nowrap px-3 py-2 tabular-nums text-zinc-600">{formatInstant(r.at)}</td>
            <td className="px-3 py-2 text-zinc-700">{r.actorEmail ?? <span className="text-zinc-500">(system)</span>}</td>
            <td className="px-3 py-2">
              <span className={`mr-1.5 inline-flex rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${ACTION_CLASS[r.action] ?? "bg-zinc-100 text-zinc-700 ring-zinc-200"}`}>{r.action}</span>
              <span className="text-zinc-500">{r.entity}</span> <span className="font-medium text-zinc-900"><VendorText>{r.entityLabel}</VendorText></span>
              {r.flow ? <p className="text-xs text-zinc-500">in <VendorText>{r.flow.name}</VendorText></p> : null}
            </td>
            <td className="px-3 py-2">
              {r.changes.length === 0 ? <span className="text-zinc-500">—</span> : null}
              <ul className="space-y-0.5">
                {r.changes.map((c) => (
                  <li key={c.field} className="text-xs" data-testid="config-change-field">
                    <span className="font-mono text-zinc-600">{c.field}</span>:{" "}
                    {"changed" in c ? (
                      <span className="italic text-zinc-700">changed (secret, not shown)</span>
                    ) : (
                      <>
                        <span className="text-red-800 line-through decoration-red-300"><VendorText>{show(c.from)}</VendorText></span>
                        {" → "}
                        <span className="text-emerald-800"><VendorText>{show(c.to)}</VendorText></span>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    {rows.length === 0 ? <p className="px-4 py-8 text-center text-sm text-zinc-500">No changes match this filter.</p> : null}
  </div>
);
