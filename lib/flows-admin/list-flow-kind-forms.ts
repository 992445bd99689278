import { findConnector } from "../connectors/registry";
import type { FormField } from "../connectors/types";
import { listFlowKinds } from "../flows/registry";
import type { AnyFlowKind } from "../flows/types";

/** A flow kind's form as the browser gets it (plain data from its definition). */
export type FlowKindForm = {
  kind: string;
  label: string;
  description: string;
  source: { vendor: string; label: string };
  target: { vendor: string; label: string };
  objects: { type: string; label: string }[];
  settings: FormField[];
};

const vendorOf = (vendor: string) => ({ vendor, label: findConnector(vendor)?.label ?? vendor });

/** The browser's copy of one flow kind's declaration. */
export const toFlowKindForm = (k: AnyFlowKind): FlowKindForm => ({
  kind: k.kind,
  label: k.label,
  description: k.description,
  source: vendorOf(k.source),
  target: vendorOf(k.target),
  objects: k.objects.map((o) => ({ type: o.type, label: o.label })),
  settings: k.settings.fields,
});

/** Every flow kind of this build (and those registered at run time), for the kind picker and the flow form. */
export const listFlowKindForms = (): FlowKindForm[] => listFlowKinds().map(toFlowKindForm);
