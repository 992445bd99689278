import type { ConnectorForm, FormField } from "../types";
import { ifsCloudConfig } from "./config";

const n = ifsCloudConfig.defaultNames;
const name = (field: keyof typeof n, label: string, help?: string): FormField => ({ name: field, label, type: "text", required: true, defaultValue: n[field], placeholder: n[field], ...(help ? { help } : {}) });

/** The IFS Cloud connection form: host, IAM realm and client, projection and entity-set names, limits. */
export const ifsCloudForm: ConnectorForm = {
  baseUrl: { label: "IFS Cloud host URL", placeholder: "https://yourcompany.ifs.cloud", help: "The tenant's host; projections are read under /int/ifsapplications/projection/v1." },
  settings: [
    { name: "realm", label: "IAM realm", type: "text", required: true, guardsSecrets: true, help: "The IFS system's namespace: the <realm> of /auth/realms/<realm>/protocol/openid-connect/token." },
    { name: "apiPath", label: "Endpoint", type: "select", defaultValue: "int", options: [{ value: "int", label: "/int (integrations)" }, { value: "main", label: "/main" }] },
    name("voucherProjection", "Voucher projection", "Names differ per tenant: look them up in the tenant's API Explorer."),
    name("voucherSet", "Voucher entity set"),
    name("voucherRowSet", "Voucher row entity set"),
    name("voucherRowsNavigation", "Voucher rows navigation"),
    name("companyProjection", "Company projection"),
    name("companySet", "Company entity set"),
    name("accountProjection", "Account projection"),
    name("accountSet", "Account entity set"),
    name("codePartProjection", "Code part value projection"),
    name("codePartSet", "Code part value entity set"),
    name("periodProjection", "Accounting period projection"),
    name("periodSet", "Accounting period entity set"),
    { name: "resultSizeLimit", label: "Result-size limit", type: "number", defaultValue: ifsCloudConfig.defaultResultSizeLimit, help: "Most entities asked for in one page." },
    { name: "requestsPerMinute", label: "Request-rate limit (per minute)", type: "number", help: "Optional: spacing of all calls of this connection across workers. IFS publishes none." },
  ],
  secrets: [
    { name: "clientId", label: "IAM client ID", type: "text", required: true },
    { name: "clientSecret", label: "IAM client secret", type: "secret", required: true },
  ],
};
