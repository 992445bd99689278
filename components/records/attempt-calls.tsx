"use client";

import { formatInstant } from "@/components/ui/format-time";
import { VendorText } from "@/components/ui/vendor-text";

/** One recorded vendor call as stored in an attempt event (lib/http/call-recorder.ts). */
export type RecordedCallView = {
  method: string;
  url: string;
  status: number | null;
  durationMs: number;
  startedAt: string;
  try?: number;
  request?: { text: string; bytes: number; truncated: boolean; contentType?: string };
  response?: { text: string; bytes: number; truncated: boolean; contentType?: string };
  error?: string;
};

/** JSON bodies indented for reading; anything else as stored. */
const pretty = (text: string) => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

const pathOf = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
};

const Body = ({ title, body }: { title: string; body: NonNullable<RecordedCallView["request"]> }) => (
  <details className="mt-1" data-testid={`call-${title.toLowerCase()}`}>
    <summary className="cursor-pointer text-zinc-600 hover:text-zinc-900">
      {title} body <span className="text-zinc-400">({body.contentType ?? "text"}, {body.bytes.toLocaleString("en-US")} bytes{body.truncated ? ", cut to 16 KB" : ""})</span>
    </summary>
    <pre className="mt-1 max-h-72 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 font-mono text-[11px] leading-4 text-zinc-800">
      <VendorText>{pretty(body.text)}</VendorText>
    </pre>
  </details>
);

/**
 * The vendor calls of one attempt: method, path, status, duration, and the request and response
 * bodies (secrets already redacted, large bodies cut) one click away. No headers are ever kept.
 */
export const AttemptCalls = ({ calls, dropped }: { calls: readonly RecordedCallView[]; dropped?: number }) => (
  <details className="mt-1 text-xs" data-testid="attempt-calls">
    <summary className="cursor-pointer text-zinc-500 hover:text-zinc-900">
      {calls.length} vendor call{calls.length === 1 ? "" : "s"}: what was sent and what came back
    </summary>
    <ol className="mt-1 space-y-2 border-l border-zinc-200 pl-3">
      {calls.map((c, i) => (
        <li key={i} data-testid="attempt-call">
          <p className="font-mono text-[11px] text-zinc-800">
            <span className="font-semibold">{c.method}</span> <VendorText>{pathOf(c.url)}</VendorText>{" "}
            <span className={c.status === null || c.status >= 400 ? "text-red-700" : "text-emerald-700"}>→ {c.status === null ? "no answer" : `HTTP ${c.status}`}</span>
            <span className="text-zinc-500"> · {c.durationMs} ms{c.try && c.try > 1 ? ` · try ${c.try}` : ""}</span>
          </p>
          <p className="text-[11px] text-zinc-500">{formatInstant(c.startedAt)}</p>
          {c.error ? <p className="text-red-700"><VendorText>{c.error}</VendorText></p> : null}
          {c.request ? <Body title="Request" body={c.request} /> : null}
          {c.response ? <Body title="Response" body={c.response} /> : null}
        </li>
      ))}
    </ol>
    {dropped ? <p className="mt-1 text-zinc-500">{dropped} further call{dropped === 1 ? " was" : "s were"} made but not kept (at most 50 per attempt).</p> : null}
  </details>
);
