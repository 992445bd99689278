import type { ConnectionTestResult } from "@/lib/connections/views";
import { formatUtc } from "@/components/flows/format";

export const STEP_LABEL = { auth: "Sign in", version: "Version", read: "Sample read" } as const;

/** The steps of a "Test connection", each with the vendor's answer in words. */
export const TestSteps = ({ result, testedAt, note }: { result: ConnectionTestResult; testedAt?: string | null; note?: string }) => (
  <div data-testid="test-result" className={`rounded-md border px-3 py-2 text-sm ${result.ok ? "border-emerald-200 bg-emerald-50" : "border-red-200 bg-red-50"}`}>
    <p className={`font-medium ${result.ok ? "text-emerald-900" : "text-red-800"}`} role={result.ok ? "status" : "alert"}>
      {result.ok ? "Connection works" : "Connection test failed"}
      {testedAt ? <span className="ml-2 font-normal text-zinc-600">{formatUtc(testedAt)}</span> : null}
      {note ? <span className="ml-2 font-normal text-zinc-600">{note}</span> : null}
    </p>
    <ol className="mt-1.5 space-y-1">
      {result.steps.map((s) => (
        <li key={s.step} className="flex gap-2">
          <span aria-hidden="true" className={s.ok ? "text-emerald-700" : "text-red-700"}>
            {s.ok ? "✓" : "✗"}
          </span>
          <span>
            <span className="font-medium text-zinc-900">{STEP_LABEL[s.step]}:</span> <span className="text-zinc-700">{s.message}</span>
            <span className="sr-only">{s.ok ? " (passed)" : " (failed)"}</span>
          </span>
        </li>
      ))}
    </ol>
  </div>
);
