"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DayInput } from "@/components/ui/day-input";
import { DeclaredField } from "@/components/ui/declared-field";
import { FormError } from "@/components/ui/form-error";
import { describedBy, Field, Select, TextInput } from "@/components/ui/field";
import { saveFlowAction } from "@/lib/actions/save-flow";
import { applyFieldValues, initialFieldValues, isFieldShown, type FieldValue } from "@/lib/connections/form-values";
import { zodFieldErrors } from "@/lib/errors";
import type { FlowKindForm } from "@/lib/flows-admin/list-flow-kind-forms";
import { flowFormSchema, SCHEDULE_PRESETS, type FlowForm as FlowFormInput } from "@/lib/flows-admin/schemas";
import type { FlowView } from "@/lib/flows-admin/views";
import { describeSchedule } from "./format";

type ConnectionOption = { id: string; name: string; vendor: string };
const CUSTOM = "custom";
const NONE = "none";

const Section = ({ title, children }: { title: string; children: ReactNode }) => (
  <fieldset className="grid gap-4 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-2">
    <legend className="px-1 text-sm font-semibold text-zinc-900">{title}</legend>
    {children}
  </fieldset>
);

/** A connection picker limited to one system's connections. */
const ConnectionPicker = ({ id, label, value, options, systemLabel, error, onChange }: { id: string; label: string; value: string; options: ConnectionOption[]; systemLabel: string; error?: string; onChange: (v: string) => void }) => (
  <Field id={id} label={label} error={error}>
    <Select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, undefined, error)}>
      {options.length === 0 ? <option value="">No {systemLabel} connection yet</option> : null}
      {options.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </Select>
  </Field>
);

/**
 * Create or edit a flow, rendered from its kind's definition: the kind (new flows only), source and
 * target connections of the kind's two systems, schedule (preset or cron, shown in words), backfill
 * start, and the kind's declared settings. The server's problems are shown at their fields.
 */
export const FlowForm = ({ flow, kinds, connections, isAdmin }: { flow: FlowView | null; kinds: FlowKindForm[]; connections: ConnectionOption[]; isAdmin: boolean }) => {
  const router = useRouter();
  const [kindId, setKindId] = useState(flow?.kind ?? kinds[0]?.kind ?? "");
  const kind = kinds.find((k) => k.kind === kindId) ?? kinds[0]!;
  const sources = connections.filter((c) => c.vendor === kind.source.vendor);
  const targets = connections.filter((c) => c.vendor === kind.target.vendor);
  const [name, setName] = useState(flow?.name ?? kind.label);
  const [sourceConnectionId, setSource] = useState(flow?.source.id ?? sources[0]?.id ?? "");
  const [targetConnectionId, setTarget] = useState(flow?.target.id ?? targets[0]?.id ?? "");
  const initialSchedule = flow ? flow.schedule : "*/15 * * * *";
  const [scheduleMode, setScheduleMode] = useState(initialSchedule === null ? NONE : SCHEDULE_PRESETS.some((p) => p.cron === initialSchedule) ? initialSchedule : CUSTOM);
  const [cron, setCron] = useState(initialSchedule ?? "");
  const [backfillFrom, setBackfillFrom] = useState(flow?.backfillFrom ?? "");
  const [settings, setSettings] = useState<Record<string, FieldValue>>(() => initialFieldValues(kind.settings, flow?.settings ?? null));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const put = (patch: Record<string, FieldValue>) => {
    setSaved(false);
    setSettings((s) => ({ ...s, ...patch }));
  };
  const schedule = scheduleMode === NONE ? null : scheduleMode === CUSTOM ? cron.trim() : scheduleMode;

  const chooseKind = (next: string) => {
    const k = kinds.find((x) => x.kind === next)!;
    setKindId(next);
    setName(k.label);
    setSource(connections.find((c) => c.vendor === k.source.vendor)?.id ?? "");
    setTarget(connections.find((c) => c.vendor === k.target.vendor)?.id ?? "");
    setSettings(initialFieldValues(k.settings, null));
    setErrors({});
  };

  const save = useMutation({
    mutationFn: async (input: FlowFormInput) => {
      const result = await saveFlowAction(input);
      if (!result.ok) throw new FormError(result.error);
      return result.data;
    },
    onSuccess: ({ id }) => {
      setSaved(true);
      if (!flow) router.push(`/flows/${id}`);
      else router.refresh();
    },
    onError: (err) => {
      setErrors(err instanceof FormError ? err.fields : {});
      setMessage(err.message);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    setSaved(false);
    const shown = kind.settings.filter((f) => isFieldShown(f, settings));
    const input: FlowFormInput = {
      id: flow?.id,
      kind: kind.kind,
      name,
      sourceConnectionId,
      targetConnectionId,
      schedule,
      backfillFrom: backfillFrom || null,
      settings: Object.fromEntries(shown.map((f) => [f.name, settings[f.name] ?? ""])),
    };
    const parsed = flowFormSchema.safeParse(input);
    const found = { ...(parsed.success ? {} : zodFieldErrors(parsed.error)), ...applyFieldValues({ fields: kind.settings, values: input.settings ?? {}, base: {}, prefix: "settings" }).errors };
    setErrors(found);
    if (Object.keys(found).length > 0) return setMessage(Object.values(found)[0]!);
    save.mutate(input);
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-5" aria-label="Flow settings">
      <div className={isAdmin ? "space-y-5" : "pointer-events-none space-y-5 opacity-90"}>
        <fieldset disabled={!isAdmin} className="space-y-5">
          <Section title="What moves">
            {flow ? null : (
              <Field id="kind" label="Kind" hint={kind.description} error={errors.kind}>
                <Select id="kind" value={kind.kind} onChange={(e) => chooseKind(e.target.value)}>
                  {kinds.map((k) => (
                    <option key={k.kind} value={k.kind}>
                      {k.label}
                    </option>
                  ))}
                </Select>
              </Field>
            )}
            <Field id="flow-name" label="Name" error={errors.name}>
              <TextInput id="flow-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={errors.name ? true : undefined} />
            </Field>
            <ConnectionPicker id="source" label={`From (${kind.source.label})`} value={sourceConnectionId} options={sources} systemLabel={kind.source.label} error={errors.sourceConnectionId} onChange={setSource} />
            <ConnectionPicker id="target" label={`To (${kind.target.label})`} value={targetConnectionId} options={targets} systemLabel={kind.target.label} error={errors.targetConnectionId} onChange={setTarget} />
            <ul className="text-xs text-zinc-500 sm:col-span-2">
              {kind.objects.map((o) => (
                <li key={o.type}>{o.label}</li>
              ))}
            </ul>
          </Section>

          <Section title="When">
            <Field id="schedule" label="Schedule" hint={`Polls ${describeSchedule(schedule)}. Callouts trigger a sync sooner.`} error={scheduleMode === CUSTOM ? null : errors.schedule}>
              <Select id="schedule" value={scheduleMode} onChange={(e) => setScheduleMode(e.target.value)}>
                {SCHEDULE_PRESETS.map((p) => (
                  <option key={p.cron} value={p.cron}>
                    {p.label}
                  </option>
                ))}
                <option value={CUSTOM}>Custom (cron)…</option>
                <option value={NONE}>No schedule</option>
              </Select>
            </Field>
            {scheduleMode === CUSTOM ? (
              <Field id="cron" label="Cron expression (UTC)" hint="5 fields: minute hour day month weekday, e.g. 30 1 * * 1-5" error={errors.schedule}>
                <TextInput id="cron" className="font-mono" value={cron} onChange={(e) => setCron(e.target.value)} placeholder="*/15 * * * *" aria-invalid={errors.schedule ? true : undefined} />
              </Field>
            ) : (
              <div />
            )}
            <Field id="backfillFrom" label="Backfill from" hint="The first run reads documents changed since this day (UTC). Empty: from when the flow was created." error={errors.backfillFrom}>
              <DayInput id="backfillFrom" value={backfillFrom} onChange={(e) => setBackfillFrom(e.target.value)} aria-invalid={errors.backfillFrom ? true : undefined} />
            </Field>
          </Section>

          {kind.settings.length > 0 ? (
            <Section title="Settings">
              {kind.settings
                .filter((f) => isFieldShown(f, settings))
                .map((f) => (
                  <DeclaredField key={`${kind.kind}:${f.name}`} id={`setting-${f.name}`} field={f} value={settings[f.name]} onChange={(v) => put({ [f.name]: v })} error={errors[`settings.${f.name}`]} isDisabled={!isAdmin} />
                ))}
            </Section>
          ) : null}
        </fieldset>
      </div>

      <div className="space-y-2" aria-live="polite">
        {message ? <Alert tone="error">{message}</Alert> : null}
        {saved && flow ? <Alert tone="success">Flow saved.</Alert> : null}
      </div>
      {isAdmin ? (
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : flow ? "Save flow" : "Create flow"}
        </Button>
      ) : null}
    </form>
  );
};
