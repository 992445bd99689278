"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatAmount } from "@/components/records/format";
import { formatCalendarDate, formatInstant } from "@/components/ui/format-time";
import { RecordTimeline, type TimelineEvent } from "@/components/records/record-timeline";
import { JsonView } from "@/components/records/json-view";
import { MissingKeys, type MissingKeyView } from "@/components/records/missing-keys";
import { StatusBadge, type RecordStatus } from "@/components/records/status-badge";
import { describeStatusReason } from "@/components/records/status-reason";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { VendorText } from "@/components/ui/vendor-text";
import { replayRecordAction } from "@/lib/actions/replay-record";
import type { RecordLink } from "@/lib/records/build-record-links";
import type { ErrorTrace } from "@/lib/records/get-record-page";
import { revealBidiControls } from "@/lib/records/reveal-bidi-controls";

/** GET /api/records/[recordId] as JSON. */
export type RecordPageData = {
  record: {
    id: string;
    flowId: string;
    flow: { id: string; name: string; kind: string };
    objectType: string;
    sourceId: string;
    naturalKey: string | null;
    sourceVersion: string | null;
    status: RecordStatus;
    statusReason: string | null;
    missing: MissingKeyView[] | null;
    amount: string | null;
    currency: string | null;
    documentDate: string | null;
    sourcePayload: unknown;
    mappedPayload: unknown;
    targetId: string | null;
    targetRef: string | null;
    attempts: number;
    lastError: string | null;
    createdAt: string;
    updatedAt: string;
    postedAt: string | null;
    events: TimelineEvent[];
  };
  links: RecordLink[];
  /** a failed record's vendor error traced to the mapped lines and value maps it names */
  errorTrace: ErrorTrace[];
  source: string | null;
  target: string | null;
};

/** A labelled value of the record's summary; a long id (a 32-character source id) wraps inside its column. */
const Fact = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <div className="min-w-0">
    <dt className="text-xs text-zinc-500">{label}</dt>
    <dd className="mt-0.5 break-words text-sm text-zinc-900 [overflow-wrap:anywhere]">{children}</dd>
  </div>
);

/** One record: what it is, where it stands, why, its audit trail and payloads; admins can replay it. */
export const RecordPageClient = ({ initial, isAdmin }: { initial: RecordPageData; isAdmin: boolean }) => {
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const key = ["record", initial.record.id];
  const { data } = useQuery({
    queryKey: key,
    queryFn: async () => {
      const res = await fetch(`/api/records/${initial.record.id}`);
      const body = await res.json();
      if (!res.ok) throw new Error(body?.error?.message ?? `Request failed (${res.status})`);
      return body as RecordPageData;
    },
    initialData: initial,
    // while queued or processing, follow it until it settles
    refetchInterval: (q) => (q.state.data?.record.status === "pending" ? 1500 : false),
  });
  const { record, links } = data;
  const replay = useMutation({
    mutationFn: async () => {
      const r = await replayRecordAction({ recordId: record.id });
      if (!r.ok) throw new Error(r.error.message);
    },
    onSuccess: () => setNotice({ tone: "success", text: "Queued for replay. This page follows it until it settles." }),
    onError: (err) => setNotice({ tone: "error", text: err.message }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: ["records"] });
    },
  });
  const isReplayable = record.status === "failed" || record.status === "held" || record.status === "skipped";
  const title = revealBidiControls(`${record.objectType} ${record.naturalKey ?? record.sourceId}`);
  const failure = record.status === "failed" ? describeStatusReason(record.statusReason) : null;

  return (
    <div className="space-y-4">
      <PageHeader
        title={title}
        description={`${record.flow.name} · received ${formatInstant(record.createdAt)}`}
        actions={
          <>
            <Link href="/records" className="text-sm text-zinc-600 hover:text-zinc-900">All records</Link>
            {isAdmin && isReplayable ? (
              <Button variant="primary" onClick={() => replay.mutate()} disabled={replay.isPending}>
                {replay.isPending ? "Replaying…" : "Replay"}
              </Button>
            ) : null}
          </>
        }
      />
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
      <section aria-label="Summary" className="rounded-lg border border-zinc-200 bg-white p-4">
        <dl className="grid grid-cols-2 gap-4 md:grid-cols-4">
          <Fact label="Status">
            <span data-testid="record-status"><StatusBadge status={record.status} reason={record.statusReason} /></span>
          </Fact>
          <Fact label="Amount"><span className="tabular-nums">{formatAmount(record.amount, record.currency) || "—"}</span></Fact>
          <Fact label="Document date"><span className="tabular-nums">{formatCalendarDate(record.documentDate) || "—"}</span></Fact>
          <Fact label="Attempts"><span className="tabular-nums">{record.attempts}</span></Fact>
          <Fact label={`Source (${data.source ?? "—"})`}><VendorText>{record.sourceId}</VendorText></Fact>
          <Fact label={`Target (${data.target ?? "—"})`}><VendorText>{record.targetRef ?? record.targetId ?? "not posted"}</VendorText></Fact>
          <Fact label="Posted">{record.postedAt ? formatInstant(record.postedAt) : "—"}</Fact>
          <Fact label="Source version">{record.sourceVersion ? formatInstant(record.sourceVersion) || record.sourceVersion : "—"}</Fact>
        </dl>
        {record.status === "failed" ? (
          <div className="mt-3 space-y-2" data-testid="failure" data-nature={failure?.nature ?? "permanent"}>
            {failure?.advice ? (
              <div className={`rounded-md border p-3 text-sm ${failure.nature === "temporary" ? "border-orange-300 border-dashed bg-orange-50 text-orange-950" : "border-red-200 bg-red-50 text-red-900"}`}>
                <p className="font-medium">{failure.nature === "temporary" ? "Temporary failure: the target was unavailable" : "Refused by the target"}</p>
                <p className="mt-0.5">{failure.advice}</p>
              </div>
            ) : null}
            {record.lastError ? (
              <Alert tone="error">
                Target answer: <VendorText>{record.lastError}</VendorText>
                {data.errorTrace.length > 0 ? (
                  <ul className="mt-2 space-y-1" aria-label="Where the refused values come from">
                    {data.errorTrace.map((t) => (
                      <li key={t.path} data-testid="error-trace">
                        {t.line ? (
                          <>
                            Line {t.line.number}
                            {t.line.description ? <> (“<VendorText>{t.line.description}</VendorText>”)</> : null}
                            {": "}
                          </>
                        ) : null}
                        {t.field} <span className="font-mono">{t.value ?? "—"}</span>
                        {t.maps.length > 0 ? (
                          <>
                            {" "}comes from{" "}
                            {t.maps.map((m, i) => (
                              <span key={m.id}>
                                {i > 0 ? " or " : ""}
                                the {m.kind} mapping{" "}
                                <Link className="font-medium underline" href={m.href}>
                                  “<VendorText>{m.sourceKey}</VendorText>” → <VendorText>{m.targetValue}</VendorText>
                                </Link>
                              </span>
                            ))}
                            .
                          </>
                        ) : (
                          " (no value map of this flow gives this value)."
                        )}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </Alert>
            ) : null}
          </div>
        ) : null}
        {record.status === "held" && (record.missing ?? []).length > 0 ? (
          <div className="mt-3">
            <Alert tone="info">
              <MissingKeys flowId={record.flowId} missing={record.missing ?? []} />
            </Alert>
          </div>
        ) : null}
        {links.length > 0 ? (
          <ul className="mt-3 flex flex-wrap gap-4 text-sm">
            {links.map((l) => (
              <li key={l.href}>
                <a href={l.href} target="_blank" rel="noreferrer" className="text-blue-800 hover:underline">{l.label} ↗</a>
                {l.bestEffort ? <span className="ml-1 text-xs text-zinc-500">(best effort: this system’s UI addresses vary by tenant)</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <RecordTimeline events={record.events} recordId={record.id} />
        <div className="space-y-3">
          <JsonView title="Source payload (as fetched)" value={record.sourcePayload} />
          <JsonView title="Mapped payload (sent to the target)" value={record.mappedPayload} />
        </div>
      </div>
    </div>
  );
};
