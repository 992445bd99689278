import type { ConnectorForm } from "../types";

/** The QAD connection form: tenant base URL, workspace (domain and entity), OAuth client and integration user. */
export const qadForm: ConnectorForm = {
  baseUrl: {
    label: "Tenant URL",
    placeholder: "https://yourcompany.qad.com/clouderp",
    help: "Your QAD Adaptive ERP tenant, e.g. https://yourcompany.qad.com/clouderp (on premises: https://host:22011/qad-central).",
  },
  settings: [
    { name: "domainCode", label: "Domain", type: "text", required: true, placeholder: "10USA", help: "The QAD domain documents are posted in (first half of the workspace, e.g. 10USA of 10USA_10USACO)." },
    { name: "entityCode", label: "Entity", type: "text", required: true, placeholder: "10USACO", help: "The entity (company) within the domain, e.g. 10USACO." },
    { name: "requestsPerMinute", label: "Requests per minute", type: "number", help: "Most requests sent to this tenant per minute, shared by every worker (default 600)." },
    { name: "maxConcurrent", label: "Requests at once", type: "number", help: "Most requests in flight at the same time (default 4)." },
  ],
  secrets: [
    { name: "clientId", label: "OAuth client ID", type: "text", required: true },
    { name: "username", label: "Integration user", type: "text", required: true },
    { name: "password", label: "Password", type: "secret", required: true },
  ],
};
