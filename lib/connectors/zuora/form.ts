import type { ConnectorForm } from "../types";
import { zuoraConfig } from "./config";
import { ZUORA_HMAC_ALGORITHMS } from "./schemas";

/** The Zuora connection form: base URL per data centre, entity, OAuth client, callout signing. */
export const zuoraForm: ConnectorForm = {
  baseUrl: {
    label: "Tenant URL",
    placeholder: "https://rest.zuora.com",
    help: "The full REST base URL of your tenant's data centre, e.g. https://rest.eu.zuora.com",
    presets: Object.entries(zuoraConfig.baseUrls).map(([label, url]) => ({ value: url, label })),
  },
  settings: [
    { name: "entityId", label: "Entity ID", type: "text", help: "Multi-entity tenants only.", guardsSecrets: true },
    { name: "callout.headerName", label: "Callout signature header", type: "text", defaultValue: "X-Zuora-Signature", help: "The header your callout template puts the HMAC signature in." },
    {
      name: "callout.algorithm",
      label: "Callout HMAC algorithm",
      type: "select",
      defaultValue: "SHA-256",
      options: ZUORA_HMAC_ALGORITHMS.map((a) => ({ value: a, label: a })),
    },
    {
      name: "callout.encoding",
      label: "Callout signature encoding",
      type: "select",
      defaultValue: "BASE64",
      options: [
        { value: "BASE64", label: "Base64" },
        { value: "HEX", label: "Hex" },
      ],
    },
    { name: "callout.signedData", label: "Signed data", type: "text", defaultValue: "{{Request.Body}}", help: "As in the callout template, e.g. {{Request.Body}}." },
  ],
  secrets: [
    { name: "clientId", label: "Client ID", type: "text", required: true },
    { name: "clientSecret", label: "Client secret", type: "secret", required: true },
    {
      name: "calloutHmacSecret",
      label: "Callout HMAC secret",
      type: "secret",
      required: true,
      help: "The HMAC key of your callout template. Callouts without a valid signature are refused.",
    },
  ],
};
