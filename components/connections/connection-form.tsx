"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Select, TextInput } from "@/components/ui/field";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { testConnectionAction } from "@/lib/actions/test-connection";
import { ACUMATICA_DEFAULT_VERSION, connectionFormSchema, ZUORA_REGIONS, type ConnectionForm as ConnectionFormInput } from "@/lib/connections/form-schemas";
import type { ConnectionTestResult, ConnectionView } from "@/lib/connections/views";
import { ZUORA_HMAC_ALGORITHMS } from "@/lib/connectors/zuora/schemas";
import { SecretInput } from "./secret-input";
import { TestSteps } from "./test-steps";

type Vendor = "zuora" | "acumatica";
const CUSTOM = "custom";

type State = {
  name: string;
  baseUrl: string;
  region: string;
  entityId: string;
  headerName: string;
  algorithm: string;
  encoding: string;
  signedData: string;
  endpointVersion: string;
  tenant: string;
  branch: string;
  secrets: Record<string, string>;
};

const str = (v: unknown, fallback = "") => (typeof v === "string" ? v : fallback);

const initialState = (vendor: Vendor, view: ConnectionView | null): State => {
  const s = view?.settings ?? {};
  const callout = (s.callout && typeof s.callout === "object" ? s.callout : {}) as Record<string, unknown>;
  const preset = ZUORA_REGIONS.find((r) => r.url === view?.baseUrl);
  return {
    name: view?.name ?? (vendor === "zuora" ? "Zuora" : "Acumatica"),
    baseUrl: view?.baseUrl ?? "",
    region: vendor === "zuora" ? (preset?.url ?? (view ? CUSTOM : ZUORA_REGIONS[0]!.url)) : CUSTOM,
    entityId: str(s.entityId),
    headerName: str(callout.headerName, "X-Zuora-Signature"),
    algorithm: str(callout.algorithm, "SHA-256"),
    encoding: str(callout.encoding, "BASE64"),
    signedData: str(callout.signedData, "{{Request.Body}}"),
    endpointVersion: str(s.endpointVersion, ACUMATICA_DEFAULT_VERSION),
    tenant: str(s.tenant),
    branch: str(s.branch),
    secrets: {},
  };
};

const toInput = (vendor: Vendor, id: string | undefined, st: State): ConnectionFormInput => {
  const baseUrl = vendor === "zuora" && st.region !== CUSTOM ? st.region : st.baseUrl;
  return vendor === "zuora"
    ? {
        id,
        vendor,
        name: st.name,
        baseUrl,
        settings: { entityId: st.entityId, callout: { headerName: st.headerName, algorithm: st.algorithm as "SHA-256", encoding: st.encoding as "BASE64", signedData: st.signedData } },
        secrets: { clientId: st.secrets.clientId, clientSecret: st.secrets.clientSecret, calloutHmacSecret: st.secrets.calloutHmacSecret },
      }
    : {
        id,
        vendor,
        name: st.name,
        baseUrl,
        settings: { endpointVersion: st.endpointVersion, tenant: st.tenant, branch: st.branch },
        secrets: { clientId: st.secrets.clientId, clientSecret: st.secrets.clientSecret, username: st.secrets.username, password: st.secrets.password },
      };
};

/** Parses on the client with the server's schema: the first problem as one sentence. */
const parseForm = (input: ConnectionFormInput) => {
  const parsed = connectionFormSchema.safeParse(input);
  if (parsed.success) return { ok: true as const, input };
  const issue = parsed.error.issues[0];
  return { ok: false as const, message: `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` };
};

/**
 * Add or edit a Zuora or Acumatica connection. Secrets are write-only ("•••• set — replace");
 * "Test connection" tries the form as it stands; Acumatica's endpoint version is picked from the
 * versions the instance offers once a test has signed in.
 */
export const ConnectionForm = ({ vendor, view, isAdmin }: { vendor: Vendor; view: ConnectionView | null; isAdmin: boolean }) => {
  const router = useRouter();
  const [st, setSt] = useState<State>(() => initialState(vendor, view));
  const [formKey, setFormKey] = useState(0);
  const [localError, setLocalError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [test, setTest] = useState<{ result: ConnectionTestResult; testedAt: string; isStored: boolean } | null>(
    view?.lastTestResult ? { result: view.lastTestResult, testedAt: view.lastTestAt ?? "", isStored: true } : null,
  );
  const set = (patch: Partial<State>) => {
    setSaved(null);
    setSt((prev) => ({ ...prev, ...patch }));
  };
  const setSecret = (key: string, value: string) => set({ secrets: { ...st.secrets, [key]: value } });
  const offered = test?.result.offeredVersions ?? view?.lastTestResult?.offeredVersions ?? [];
  const isDisabled = !isAdmin;

  const save = useMutation({
    mutationFn: async (input: ConnectionFormInput) => {
      const result = await saveConnectionAction(input);
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    onSuccess: (data) => {
      setSaved(`Saved ${data.name}.`);
      if (!view) {
        router.push(`/connections/${data.id}`);
        return;
      }
      setSt((prev) => ({ ...prev, secrets: {} }));
      setFormKey((k) => k + 1);
      setTest(null);
      router.refresh();
    },
  });
  const runTest = useMutation({
    mutationFn: async (input: ConnectionFormInput) => {
      const result = await testConnectionAction({ form: input });
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    onSuccess: (data) => {
      setTest({ result: data, testedAt: data.testedAt, isStored: data.isStored });
      if (data.isStored) router.refresh();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setLocalError(null);
    const parsed = parseForm(toInput(vendor, view?.id, st));
    if (!parsed.ok) return setLocalError(parsed.message);
    save.mutate(parsed.input);
  };
  const onTest = () => {
    setLocalError(null);
    const parsed = parseForm(toInput(vendor, view?.id, st));
    if (!parsed.ok) return setLocalError(parsed.message);
    runTest.mutate(parsed.input);
  };

  const error = localError ?? (save.isError ? save.error.message : null) ?? (runTest.isError ? runTest.error.message : null);
  const secretField = (key: string, label: string, hint?: string, type?: "password" | "text") => (
    <SecretInput
      key={`${key}-${formKey}-${view?.secretsSet.includes(key) ?? false}`}
      id={`secret-${key}`}
      label={label}
      isSet={view?.secretsSet.includes(key) ?? false}
      value={st.secrets[key] ?? ""}
      onChange={(v) => setSecret(key, v)}
      isDisabled={isDisabled}
      hint={hint}
      type={type}
    />
  );

  return (
    <form onSubmit={submit} noValidate className="space-y-5" aria-label={`${vendor === "zuora" ? "Zuora" : "Acumatica"} connection`}>
      <fieldset disabled={isDisabled} className="grid gap-4 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-2">
        <legend className="px-1 text-sm font-semibold text-zinc-900">Tenant</legend>
        <Field id="name" label="Name" hint="Shown in flows and records.">
          <TextInput id="name" value={st.name} onChange={(e) => set({ name: e.target.value })} required />
        </Field>
        {vendor === "zuora" ? (
          <>
            <Field id="region" label="Data centre" hint="Zuora's REST base URL for your tenant's region.">
              <Select id="region" value={st.region} onChange={(e) => set({ region: e.target.value })}>
                {ZUORA_REGIONS.map((r) => (
                  <option key={r.url} value={r.url}>
                    {r.label} – {r.url.replace("https://", "")}
                  </option>
                ))}
                <option value={CUSTOM}>Custom URL…</option>
              </Select>
            </Field>
            {st.region === CUSTOM ? (
              <Field id="baseUrl" label="Tenant URL" hint="The full REST base URL, e.g. https://rest.eu.zuora.com">
                <TextInput id="baseUrl" type="url" value={st.baseUrl} onChange={(e) => set({ baseUrl: e.target.value })} placeholder="https://rest.zuora.com" />
              </Field>
            ) : null}
            <Field id="entityId" label="Entity ID (optional)" hint="Multi-entity tenants only.">
              <TextInput id="entityId" value={st.entityId} onChange={(e) => set({ entityId: e.target.value })} />
            </Field>
          </>
        ) : (
          <>
            <Field id="baseUrl" label="Instance URL" hint="e.g. https://yourcompany.acumatica.com (with any instance path)">
              <TextInput id="baseUrl" type="url" value={st.baseUrl} onChange={(e) => set({ baseUrl: e.target.value })} placeholder="https://yourcompany.acumatica.com" />
            </Field>
            <Field id="tenant" label="Tenant (company)" hint="Appended to the client ID as GUID@Tenant when the ID has no @.">
              <TextInput id="tenant" value={st.tenant} onChange={(e) => set({ tenant: e.target.value })} />
            </Field>
            <Field
              id="endpointVersion"
              label="Endpoint version"
              hint={offered.length ? `This instance offers Default ${offered.join(", ")}.` : "Run Test connection to list the versions this instance offers."}
            >
              {offered.length ? (
                <Select id="endpointVersion" value={st.endpointVersion} onChange={(e) => set({ endpointVersion: e.target.value })}>
                  {[...new Set([...offered, st.endpointVersion])].map((v) => (
                    <option key={v} value={v}>
                      Default {v}
                      {offered.includes(v) ? "" : " (not offered by this instance)"}
                    </option>
                  ))}
                </Select>
              ) : (
                <TextInput id="endpointVersion" value={st.endpointVersion} onChange={(e) => set({ endpointVersion: e.target.value })} placeholder="24.200.001" />
              )}
            </Field>
            <Field id="branch" label="Branch (optional)" hint="Branch the documents are posted in.">
              <TextInput id="branch" value={st.branch} onChange={(e) => set({ branch: e.target.value })} />
            </Field>
          </>
        )}
      </fieldset>

      <fieldset className="grid gap-4 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-2">
        <legend className="px-1 text-sm font-semibold text-zinc-900">Credentials</legend>
        <p className="text-xs text-zinc-500 sm:col-span-2">Stored encrypted. Nobody can read them back here, admins included; you can only replace them.</p>
        {vendor === "zuora" ? (
          <>
            {secretField("clientId", "Client ID", "From Settings › Administration › OAuth Clients.", "text")}
            {secretField("clientSecret", "Client secret")}
          </>
        ) : (
          <>
            {secretField("clientId", "Client ID", "Connected Application client ID (GUID or GUID@Tenant).", "text")}
            {secretField("clientSecret", "Client secret")}
            {secretField("username", "Username", undefined, "text")}
            {secretField("password", "Password")}
          </>
        )}
      </fieldset>

      {vendor === "zuora" ? (
        <fieldset disabled={isDisabled} className="grid gap-4 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-2">
          <legend className="px-1 text-sm font-semibold text-zinc-900">Callout signing (HMAC)</legend>
          <p className="text-xs text-zinc-500 sm:col-span-2">Enter the same values in Zuora's callout template. Without a secret, callouts are accepted unsigned (they carry ids only).</p>
          <Field id="headerName" label="Header name">
            <TextInput id="headerName" value={st.headerName} onChange={(e) => set({ headerName: e.target.value })} />
          </Field>
          <Field id="algorithm" label="Algorithm">
            <Select id="algorithm" value={st.algorithm} onChange={(e) => set({ algorithm: e.target.value })}>
              {ZUORA_HMAC_ALGORITHMS.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </Select>
          </Field>
          <Field id="encoding" label="Encoding">
            <Select id="encoding" value={st.encoding} onChange={(e) => set({ encoding: e.target.value })}>
              <option value="BASE64">Base64</option>
              <option value="HEX">Hex</option>
            </Select>
          </Field>
          <Field id="signedData" label="Signed data">
            <TextInput id="signedData" className="font-mono" value={st.signedData} onChange={(e) => set({ signedData: e.target.value })} />
          </Field>
          {secretField("calloutHmacSecret", "HMAC secret")}
        </fieldset>
      ) : null}

      <div className="space-y-2" aria-live="polite">
        {error ? <Alert tone="error">{error}</Alert> : null}
        {saved ? <Alert tone="success">{saved}</Alert> : null}
        {test ? <TestSteps result={test.result} testedAt={test.testedAt} note={test.isStored ? undefined : "(unsaved values, result not stored)"} /> : null}
      </div>

      {isAdmin ? (
        <div className="flex gap-2">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : view ? "Save changes" : "Save connection"}
          </Button>
          <Button onClick={onTest} disabled={runTest.isPending}>
            {runTest.isPending ? "Testing…" : "Test connection"}
          </Button>
        </div>
      ) : (
        <Alert tone="info">You have viewer access. Only an admin can change or test connections.</Alert>
      )}
    </form>
  );
};

