import Link from "next/link";
import type { CalloutSetup as CalloutSetupView } from "@/lib/flows-admin/views";
import { CopyButton } from "./copy-button";

const Row = ({ label, value, isCopyable = true }: { label: string; value: string; isCopyable?: boolean }) => (
  <div className="grid grid-cols-[12rem_1fr_auto] items-center gap-3 px-4 py-2">
    <dt className="text-xs font-medium text-zinc-500">{label}</dt>
    <dd className="min-w-0 truncate font-mono text-sm text-zinc-900" data-testid={`callout-${label.toLowerCase().replace(/\W+/g, "-")}`}>
      {value}
    </dd>
    <div>{isCopyable ? <CopyButton value={value} label={label.toLowerCase()} /> : null}</div>
  </div>
);

/** What the admin enters in the source system's callout (webhook) template, with copy buttons. */
export const CalloutSetup = ({ callout, sourceConnectionId }: { callout: CalloutSetupView; sourceConnectionId: string }) => (
  <section aria-labelledby="callout-heading" className="rounded-lg border border-zinc-200 bg-white">
    <div className="border-b border-zinc-100 px-4 py-3">
      <h2 id="callout-heading" className="text-sm font-semibold text-zinc-900">
        {callout.systemLabel} callout
      </h2>
      <p className="mt-0.5 text-sm text-zinc-500">
        In {callout.systemLabel}, add a callout (webhook) for the events of this flow&apos;s documents with these values. Callouts carry ids only; the flow re-reads each document.
      </p>
    </div>
    <dl className="divide-y divide-zinc-100">
      <Row label="Callout URL" value={callout.url} />
      <Row label="HTTP method" value="POST" />
      {callout.options.map((o) => (
        <Row key={o.label} label={o.label} value={o.value} />
      ))}
      <div className="grid grid-cols-[12rem_1fr_auto] items-center gap-3 px-4 py-2">
        <dt className="text-xs font-medium text-zinc-500">Signing secret</dt>
        <dd className="text-sm text-zinc-700" data-testid="callout-secret">
          {callout.isSecretSet ? "•••• set (write-only: enter the same secret there)" : "not set: set it on the connection, so that only signed callouts are taken"}
        </dd>
        <Link className="text-xs text-blue-700 hover:underline" href={`/connections/${sourceConnectionId}`}>
          {callout.isSecretSet ? "Replace" : "Set"}
        </Link>
      </div>
    </dl>
  </section>
);
