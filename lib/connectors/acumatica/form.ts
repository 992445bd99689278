import type { ConnectorForm } from "../types";
import { acumaticaConfig } from "./config";

/** The Acumatica connection form: instance URL, tenant, pinned endpoint version, OAuth client and user. */
export const acumaticaForm: ConnectorForm = {
  baseUrl: {
    label: "Instance URL",
    placeholder: "https://yourcompany.acumatica.com",
    help: "e.g. https://yourcompany.acumatica.com (with any instance path)",
  },
  settings: [
    { name: "tenant", label: "Tenant (company)", type: "text", help: "Appended to the client ID as GUID@Tenant when the ID has no @.", guardsSecrets: true },
    {
      name: "endpointVersion",
      label: "Endpoint version",
      type: "select",
      required: true,
      defaultValue: acumaticaConfig.defaultEndpointVersion,
      placeholder: acumaticaConfig.defaultEndpointVersion,
      help: "The Default endpoint version to pin; Test connection lists the versions this instance offers.",
      options: [{ value: acumaticaConfig.defaultEndpointVersion, label: acumaticaConfig.defaultEndpointVersion }],
    },
    { name: "branch", label: "Branch", type: "text", help: "Branch the documents are posted in." },
    {
      name: "pushHeaderName",
      label: "Push notification header",
      type: "text",
      placeholder: "X-Acumatica-Push-Secret",
      help: "Header name set on the Push Notifications form (SM302000) for the webhook destination; its value is the push secret below.",
    },
  ],
  secrets: [
    { name: "clientId", label: "Client ID", type: "text", required: true },
    { name: "clientSecret", label: "Client secret", type: "secret", required: true },
    { name: "username", label: "Username", type: "text", required: true },
    { name: "password", label: "Password", type: "secret", required: true },
    { name: "pushSecret", label: "Push notification secret", type: "secret", help: "Value of the header Acumatica sends with push notifications to this connection's webhook URL. Optional: without it changes are found by polling only." },
  ],
};
