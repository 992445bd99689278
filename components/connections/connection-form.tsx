"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DeclaredField } from "@/components/ui/declared-field";
import { FormError } from "@/components/ui/form-error";
import { describedBy, Field, Select, TextInput } from "@/components/ui/field";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { testConnectionAction } from "@/lib/actions/test-connection";
import { connectionFormSchema, type ConnectionForm as ConnectionFormInput } from "@/lib/connections/form-schemas";
import { applyFieldValues, initialFieldValues, isFieldShown, labelInSentence, type FieldValue } from "@/lib/connections/form-values";
import type { ConnectorFormView } from "@/lib/connections/get-connector-form";
import type { ConnectionTestResult, ConnectionView } from "@/lib/connections/views";
import { zodFieldErrors } from "@/lib/errors";
import { SecretInput } from "./secret-input";
import { STEP_LABEL, TestSteps } from "./test-steps";

const CUSTOM = "custom";

type State = {
  name: string;
  baseUrl: string;
  /** the chosen base URL preset, or CUSTOM */
  preset: string;
  settings: Record<string, FieldValue>;
  secrets: Record<string, string>;
};

const initialState = (form: ConnectorFormView, view: ConnectionView | null): State => {
  const presets = form.baseUrl.presets ?? [];
  const preset = presets.find((p) => p.value === view?.baseUrl)?.value ?? (view || presets.length === 0 ? CUSTOM : presets[0]!.value);
  return { name: view?.name ?? form.label, baseUrl: view?.baseUrl ?? "", preset, settings: initialFieldValues(form.settings, view?.settings ?? null), secrets: { ...(view?.identifiers ?? {}) } };
};

/** More than one problem: how many, since each is written at its own field. */
const summarise = (errors: Record<string, string>, fallback: string) => {
  const count = Object.keys(errors).length;
  return count > 1 ? `${count} fields need attention: each says what is wrong below it.` : (Object.values(errors)[0] ?? fallback);
};

/** The steps of a failed test that failed, in words, for the warning before saving. */
const failedSteps = (result: ConnectionTestResult) => result.steps.filter((s) => !s.ok);

/**
 * Add or edit a connection, rendered from its connector's form declaration: base URL (with the
 * vendor's presets, if any), settings, identifiers (client ID, user name: shown in clear) and
 * write-only secrets ("•••• set — replace"; blank keeps the stored value while the URL and guarding
 * settings stay the same). Every problem is shown at its field at once (the first one focused), and
 * a field's problem goes when it is edited. "Test connection" tries the form as it stands; selects
 * whose choices come from the vendor list them once a test has signed in. Saving values whose test
 * failed asks first; a save tests what it saved, so the status shown is the saved connection's.
 */
export const ConnectionForm = ({ forms, vendor: initialVendor, view, isAdmin }: { forms: ConnectorFormView[]; vendor: string; view: ConnectionView | null; isAdmin: boolean }) => {
  const router = useRouter();
  const [vendor, setVendor] = useState(initialVendor);
  const form = forms.find((f) => f.vendor === vendor) ?? forms[0]!;
  const [st, setSt] = useState<State>(() => initialState(form, view));
  const [formKey, setFormKey] = useState(0);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  /** bumped on each refused submit: the first invalid field then takes the focus */
  const [focusTurn, setFocusTurn] = useState(0);
  useEffect(() => {
    if (focusTurn > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusTurn]);
  /** the values the last test of unsaved values tried, to warn before saving them when it failed */
  const [testedInput, setTestedInput] = useState<string | null>(null);
  const [confirmSave, setConfirmSave] = useState<ConnectionFormInput | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [test, setTest] = useState<{ result: ConnectionTestResult; testedAt: string; isStored: boolean } | null>(
    view?.lastTestResult ? { result: view.lastTestResult, testedAt: view.lastTestAt ?? "", isStored: true } : null,
  );
  // the page's vendor changed under us (browser back/forward between systems): show that one's form
  const [pageVendor, setPageVendor] = useState(initialVendor);
  if (initialVendor !== pageVendor) {
    setPageVendor(initialVendor);
    if (initialVendor !== vendor) {
      const next = forms.find((f) => f.vendor === initialVendor) ?? forms[0]!;
      setVendor(next.vendor);
      setSt(initialState(next, null));
      setErrors({});
      setTest(null);
    }
  }
  const set = (patch: Partial<State>, field?: string) => {
    setSaved(null);
    setSt((prev) => ({ ...prev, ...patch }));
    if (field && errors[field]) {
      const { [field]: _fixed, ...rest } = errors;
      setErrors(rest);
      setMessage(Object.keys(rest).length > 0 ? summarise(rest, "") : null);
    }
  };
  const isDisabled = !isAdmin;
  const readOptions = test?.result.fieldOptions ?? view?.lastTestResult?.fieldOptions ?? {};

  const toInput = (): ConnectionFormInput => {
    const shown = form.settings.filter((f) => isFieldShown(f, st.settings));
    return {
      id: view?.id,
      vendor: form.vendor,
      name: st.name,
      baseUrl: st.preset !== CUSTOM ? st.preset : st.baseUrl,
      settings: Object.fromEntries(shown.map((f) => [f.name, st.settings[f.name] ?? ""])),
      secrets: Object.fromEntries(form.secrets.map((f) => [f.name, st.secrets[f.name] ?? ""])),
    };
  };
  /** The checks the browser can make (shape, required fields); the server repeats them and adds its own. */
  const check = (input: ConnectionFormInput): boolean => {
    const parsed = connectionFormSchema.safeParse(input);
    const found = parsed.success ? {} : zodFieldErrors(parsed.error);
    Object.assign(found, applyFieldValues({ fields: form.settings, values: input.settings ?? {}, base: {}, prefix: "settings" }).errors);
    for (const f of form.secrets) {
      const isKept = f.type !== "text" && view?.secretsSet.includes(f.name);
      if (f.required && !isKept && !st.secrets[f.name]?.trim()) found[`secrets.${f.name}`] ??= `Enter the ${labelInSentence(f.label)}.`;
    }
    setErrors(found);
    setMessage(Object.keys(found).length > 0 ? summarise(found, "") : null);
    if (Object.keys(found).length > 0) setFocusTurn((n) => n + 1);
    return Object.keys(found).length === 0;
  };
  const fail = (err: Error) => {
    const fields = err instanceof FormError ? err.fields : {};
    setErrors(fields);
    setMessage(summarise(fields, err.message));
    if (Object.keys(fields).length > 0) setFocusTurn((n) => n + 1);
  };

  const save = useMutation({
    mutationFn: async (input: ConnectionFormInput) => {
      const result = await saveConnectionAction(input);
      if (!result.ok) throw new FormError(result.error);
      return result.data;
    },
    onSuccess: (data) => {
      setSaved(`Saved ${data.name}.`);
      setTestedInput(null);
      if (!view) {
        router.push(`/connections/${data.id}`);
        return;
      }
      setSt((prev) => ({ ...prev, secrets: { ...data.identifiers } }));
      setFormKey((k) => k + 1);
      setTest(data.lastTestResult ? { result: data.lastTestResult, testedAt: data.lastTestAt ?? "", isStored: true } : null);
      router.refresh();
    },
    onError: fail,
  });
  const runTest = useMutation({
    mutationFn: async (input: ConnectionFormInput) => {
      const result = await testConnectionAction({ form: input });
      if (!result.ok) throw new FormError(result.error);
      return result.data;
    },
    onSuccess: (data, input) => {
      setTest({ result: data, testedAt: data.testedAt, isStored: data.isStored });
      setTestedInput(JSON.stringify(input));
      if (data.isStored) router.refresh();
    },
    onError: fail,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const input = toInput();
    if (!check(input)) return;
    // these very values were tested and failed: saving them is a choice, not a slip
    if (test && !test.result.ok && testedInput === JSON.stringify(input)) setConfirmSave(input);
    else save.mutate(input);
  };
  const onTest = () => {
    setMessage(null);
    const input = toInput();
    if (check(input)) runTest.mutate(input);
  };

  const presets = form.baseUrl.presets ?? [];
  const baseUrlError = errors.baseUrl ?? null;
  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-5" aria-label={`${form.label} connection`}>
      <fieldset disabled={isDisabled} className="grid gap-4 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-2">
        <legend className="px-1 text-sm font-semibold text-zinc-900">Connection</legend>
        {!view && forms.length > 1 ? (
          <Field id="vendor" label="System" hint="Every system this build has a connector for." error={errors.vendor}>
            <Select
              id="vendor"
              value={form.vendor}
              onChange={(e) => {
                const next = forms.find((f) => f.vendor === e.target.value)!;
                setVendor(next.vendor);
                setSt(initialState(next, null));
                setErrors({});
                setTest(null);
                router.replace(`/connections/new?vendor=${encodeURIComponent(next.vendor)}`);
              }}
            >
              {forms.map((f) => (
                <option key={f.vendor} value={f.vendor}>
                  {f.label}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
        <Field id="name" label="Name" hint="Shown in flows and records." error={errors.name}>
          <TextInput id="name" value={st.name} onChange={(e) => set({ name: e.target.value }, "name")} required aria-invalid={errors.name ? true : undefined} aria-describedby={describedBy("name", "Shown in flows and records.", errors.name)} />
        </Field>
        {presets.length > 0 ? (
          <Field id="baseUrlPreset" label={form.baseUrl.label} hint={st.preset === CUSTOM ? undefined : form.baseUrl.help} error={st.preset === CUSTOM ? null : baseUrlError}>
            <Select id="baseUrlPreset" value={st.preset} onChange={(e) => set({ preset: e.target.value }, "baseUrl")}>
              {presets.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label} – {p.value.replace(/^https?:\/\//, "")}
                </option>
              ))}
              <option value={CUSTOM}>Custom URL…</option>
            </Select>
          </Field>
        ) : null}
        {presets.length === 0 || st.preset === CUSTOM ? (
          <Field id="baseUrl" label={presets.length > 0 ? `Custom ${labelInSentence(form.baseUrl.label)}` : form.baseUrl.label} hint={form.baseUrl.help} error={baseUrlError}>
            <TextInput
              id="baseUrl"
              type="url"
              value={st.baseUrl}
              onChange={(e) => set({ baseUrl: e.target.value }, "baseUrl")}
              placeholder={form.baseUrl.placeholder}
              aria-invalid={baseUrlError ? true : undefined}
              aria-describedby={describedBy("baseUrl", form.baseUrl.help, baseUrlError)}
            />
          </Field>
        ) : null}
        {form.settings
          .filter((f) => isFieldShown(f, st.settings))
          .map((f) => (
            <DeclaredField
              key={`${form.vendor}:${f.name}`}
              id={`setting-${f.name}`}
              field={f}
              value={st.settings[f.name]}
              onChange={(v) => set({ settings: { ...st.settings, [f.name]: v } }, `settings.${f.name}`)}
              error={errors[`settings.${f.name}`]}
              readOptions={readOptions[f.name]}
              isDisabled={isDisabled}
            />
          ))}
      </fieldset>

      <fieldset className="grid gap-4 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-2">
        <legend className="px-1 text-sm font-semibold text-zinc-900">Credentials</legend>
        <p className="text-xs text-zinc-500 sm:col-span-2">
          Stored encrypted. Nobody can read them back here, admins included; you can only replace them. A changed URL{form.settings.some((f) => f.guardsSecrets) ? ` or ${form.settings.filter((f) => f.guardsSecrets).map((f) => labelInSentence(f.label)).join(" or ")}` : ""} needs every secret entered again.
        </p>
        {form.secrets.map((f) =>
          f.type === "text" ? (
            <Field key={`${form.vendor}:${f.name}`} id={`secret-${f.name}`} label={f.label} hint={f.help} error={errors[`secrets.${f.name}`]}>
              <TextInput
                id={`secret-${f.name}`}
                type="text"
                autoComplete="off"
                spellCheck={false}
                value={st.secrets[f.name] ?? ""}
                onChange={(e) => set({ secrets: { ...st.secrets, [f.name]: e.target.value } }, `secrets.${f.name}`)}
                aria-invalid={errors[`secrets.${f.name}`] ? true : undefined}
                aria-describedby={describedBy(`secret-${f.name}`, f.help, errors[`secrets.${f.name}`])}
              />
            </Field>
          ) : (
          <SecretInput
            key={`${form.vendor}:${f.name}-${formKey}-${view?.secretsSet.includes(f.name) ?? false}`}
            id={`secret-${f.name}`}
            label={f.label}
            isSet={view?.secretsSet.includes(f.name) ?? false}
            value={st.secrets[f.name] ?? ""}
            onChange={(v) => set({ secrets: { ...st.secrets, [f.name]: v } }, `secrets.${f.name}`)}
            isDisabled={isDisabled}
            hint={f.help}
            error={errors[`secrets.${f.name}`]}
            isMultiline={f.multiline}
          />
          ),
        )}
      </fieldset>

      <div className="space-y-2" aria-live="polite">
        {message ? <Alert tone="error">{message}</Alert> : null}
        {saved ? <Alert tone="success">{saved}</Alert> : null}
        {test ? <TestSteps result={test.result} testedAt={test.testedAt} note={test.isStored ? undefined : "(unsaved values, result not stored)"} /> : null}
      </div>

      {isAdmin ? (
        <div className="flex gap-2">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving and testing…" : view ? "Save changes" : "Save connection"}
          </Button>
          <Button onClick={onTest} disabled={runTest.isPending}>
            {runTest.isPending ? "Testing…" : "Test connection"}
          </Button>
        </div>
      ) : (
        <Alert tone="info">You have viewer access. Only an admin can change or test connections.</Alert>
      )}
      <ConfirmDialog
        title="Save a connection whose test failed?"
        isAlert
        isOpen={confirmSave !== null}
        confirmLabel="Save anyway"
        cancelLabel="Keep editing"
        onCancel={() => setConfirmSave(null)}
        onConfirm={() => {
          if (confirmSave) save.mutate(confirmSave);
          setConfirmSave(null);
        }}
      >
        <p>The last test of these values failed. Flows using this connection will fail the same way until it is fixed.</p>
        <ul className="mt-2 space-y-1">
          {test
            ? failedSteps(test.result).map((s) => (
                <li key={s.step}>
                  <span className="font-medium text-zinc-900">{STEP_LABEL[s.step]}:</span> {s.message}
                </li>
              ))
            : null}
        </ul>
      </ConfirmDialog>
    </form>
  );
};
