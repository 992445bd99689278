"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Select, TextInput } from "@/components/ui/field";
import { saveFlowAction } from "@/lib/actions/save-flow";
import { flowFormSchema, SCHEDULE_PRESETS, type FlowForm as FlowFormInput } from "@/lib/flows-admin/schemas";
import type { FlowView } from "@/lib/flows-admin/views";
import { describeSchedule } from "./format";

type ConnectionOption = { id: string; name: string; vendor: string };
const CUSTOM = "custom";
const NONE = "none";

const DEFAULT_SETTINGS: FlowFormInput["settings"] = {
  createCustomers: true,
  customerIdPrefix: "Z",
  glAccountKey: "charge",
  invoiceSettlement: true,
  postExternalPayments: true,
};

const Check = ({ id, label, hint, checked, onChange }: { id: string; label: string; hint?: string; checked: boolean; onChange: (v: boolean) => void }) => (
  <div className="flex gap-2">
    <input id={id} type="checkbox" className="mt-0.5 size-4 accent-blue-700" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={hint ? `${id}-hint` : undefined} />
    <div>
      <label htmlFor={id} className="text-sm font-medium text-zinc-800">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
    </div>
  </div>
);

const Section = ({ title, children }: { title: string; children: ReactNode }) => (
  <fieldset className="grid gap-4 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-2">
    <legend className="px-1 text-sm font-semibold text-zinc-900">{title}</legend>
    {children}
  </fieldset>
);

/** Create or edit a Zuora -> Acumatica flow: connections, schedule (preset or cron, shown in words), backfill start and posting options. */
export const FlowForm = ({ flow, connections, isAdmin }: { flow: FlowView | null; connections: ConnectionOption[]; isAdmin: boolean }) => {
  const router = useRouter();
  const zuoras = connections.filter((c) => c.vendor === "zuora");
  const acumaticas = connections.filter((c) => c.vendor === "acumatica");
  const [name, setName] = useState(flow?.name ?? "Zuora → Acumatica");
  const [sourceConnectionId, setSource] = useState(flow?.source.id ?? zuoras[0]?.id ?? "");
  const [targetConnectionId, setTarget] = useState(flow?.target.id ?? acumaticas[0]?.id ?? "");
  const initialSchedule = flow ? flow.schedule : "*/15 * * * *";
  const [scheduleMode, setScheduleMode] = useState(initialSchedule === null ? NONE : SCHEDULE_PRESETS.some((p) => p.cron === initialSchedule) ? initialSchedule : CUSTOM);
  const [cron, setCron] = useState(initialSchedule ?? "");
  const [backfillFrom, setBackfillFrom] = useState(flow?.backfillFrom ?? "");
  const [settings, setSettings] = useState<FlowFormInput["settings"]>(() => {
    if (!flow) return DEFAULT_SETTINGS;
    const s = flow.settings;
    return {
      createCustomers: s.createCustomers,
      customerIdPrefix: s.customerIdPrefix,
      customerClass: s.customerClass ?? "",
      glAccountKey: s.glAccountKey,
      invoiceSettlement: s.invoiceSettlement,
      postExternalPayments: s.postExternalPayments,
    };
  });
  const [localError, setLocalError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const put = (patch: Partial<FlowFormInput["settings"]>) => {
    setSaved(false);
    setSettings((s) => ({ ...s, ...patch }));
  };
  const schedule = scheduleMode === NONE ? null : scheduleMode === CUSTOM ? cron.trim() : scheduleMode;

  const save = useMutation({
    mutationFn: async (input: FlowFormInput) => {
      const result = await saveFlowAction(input);
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    onSuccess: ({ id }) => {
      setSaved(true);
      if (!flow) router.push(`/flows/${id}`);
      else router.refresh();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setLocalError(null);
    setSaved(false);
    const input: FlowFormInput = { id: flow?.id, name, sourceConnectionId, targetConnectionId, schedule, backfillFrom: backfillFrom || null, settings };
    const parsed = flowFormSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return setLocalError(`${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
    }
    save.mutate(input);
  };
  const error = localError ?? (save.isError ? save.error.message : null);

  return (
    <form onSubmit={submit} noValidate className="space-y-5" aria-label="Flow settings">
      <div className={isAdmin ? "space-y-5" : "pointer-events-none space-y-5 opacity-90"}>
        <fieldset disabled={!isAdmin} className="space-y-5">
          <Section title="What moves">
            <Field id="flow-name" label="Name">
              <TextInput id="flow-name" value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <div />
            <Field id="source" label="From (Zuora)">
              <Select id="source" value={sourceConnectionId} onChange={(e) => setSource(e.target.value)}>
                {zuoras.length === 0 ? <option value="">No Zuora connection yet</option> : null}
                {zuoras.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Select>
            </Field>
            <Field id="target" label="To (Acumatica)">
              <Select id="target" value={targetConnectionId} onChange={(e) => setTarget(e.target.value)}>
                {acumaticas.length === 0 ? <option value="">No Acumatica connection yet</option> : null}
                {acumaticas.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Select>
            </Field>
            <p className="text-xs text-zinc-500 sm:col-span-2">Billing accounts → customers, posted invoices → AR invoices, payments → payments applied to their invoices, credit memos → credit memos.</p>
          </Section>

          <Section title="When">
            <Field id="schedule" label="Schedule" hint={`Polls ${describeSchedule(schedule)}. Callouts trigger a sync sooner.`}>
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
              <Field id="cron" label="Cron expression (UTC)" hint="5 fields: minute hour day month weekday, e.g. 30 1 * * 1-5">
                <TextInput id="cron" className="font-mono" value={cron} onChange={(e) => setCron(e.target.value)} placeholder="*/15 * * * *" />
              </Field>
            ) : (
              <div />
            )}
            <Field id="backfillFrom" label="Backfill from" hint="The first run reads documents changed since this day (UTC). Empty: from when the flow was created.">
              <TextInput id="backfillFrom" type="date" value={backfillFrom} onChange={(e) => setBackfillFrom(e.target.value)} />
            </Field>
          </Section>

          <Section title="Posting">
            <Field id="glAccountKey" label="GL account is chosen by" hint="Which invoice-line value the GL account mapping looks up.">
              <Select id="glAccountKey" value={settings.glAccountKey} onChange={(e) => put({ glAccountKey: e.target.value as "charge" })}>
                <option value="charge">Charge name</option>
                <option value="product">Product name</option>
                <option value="account">Zuora accounting code</option>
              </Select>
            </Field>
            <div />
            <Check id="invoiceSettlement" label="Invoice Settlement is enabled in Zuora" hint="Credit memos are posted; off: they are recorded as skipped with that reason." checked={settings.invoiceSettlement} onChange={(v) => put({ invoiceSettlement: v })} />
          </Section>

          <Section title="Customers and payments">
            <Check id="createCustomers" label="Create Acumatica customers for new billing accounts" checked={settings.createCustomers} onChange={(v) => put({ createCustomers: v })} />
            <Field id="customerIdPrefix" label="Customer ID prefix" hint="Prefix + Zuora account number, up to 4 capitals or digits.">
              <TextInput id="customerIdPrefix" value={settings.customerIdPrefix} onChange={(e) => put({ customerIdPrefix: e.target.value.toUpperCase() })} />
            </Field>
            <Field id="customerClass" label="Customer class (optional)">
              <TextInput id="customerClass" value={settings.customerClass ?? ""} onChange={(e) => put({ customerClass: e.target.value })} />
            </Field>
            <Check id="postExternalPayments" label="Post external (manual) payments" hint="Off: recorded as skipped." checked={settings.postExternalPayments} onChange={(v) => put({ postExternalPayments: v })} />
          </Section>
        </fieldset>
      </div>

      <div className="space-y-2" aria-live="polite">
        {error ? <Alert tone="error">{error}</Alert> : null}
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
