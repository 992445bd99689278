import type { ConnectorForm } from "../types";
import { netsuiteConfig } from "./config";

/** The NetSuite connection form: account REST root, M2M certificate mapping, private key, webhook secret and allowlist. */
export const netsuiteForm: ConnectorForm = {
  baseUrl: {
    label: "Account REST URL",
    placeholder: "https://1234567-sb1.suitetalk.api.netsuite.com",
    help: "Copy it from Setup > Company > Company Information > Company URLs (SuiteTalk (SOAP and REST web services)).",
  },
  settings: [
    { name: "accountId", label: "Account ID", type: "text", required: true, placeholder: "1234567_SB1", help: "As NetSuite shows it; the outbound script sends it with every event.", guardsSecrets: true },
    { name: "certificateId", label: "Certificate ID", type: "text", required: true, help: "From Setup > Integration > OAuth 2.0 Client Credentials (M2M) Setup, for the certificate whose private key you paste below.", guardsSecrets: true },
    {
      name: "algorithm",
      label: "Signing algorithm",
      type: "select",
      defaultValue: "ES256",
      options: netsuiteConfig.auth.algorithms.map((a) => ({ value: a, label: a })),
      help: "ES* for an EC certificate, PS* for an RSA one (NetSuite no longer accepts RS256).",
    },
    { name: "timeZone", label: "Account time zone", type: "text", defaultValue: netsuiteConfig.defaultTimeZone, help: "The account's time zone (Set Preferences): SuiteQL shows modification times in it." },
    { name: "maxConcurrent", label: "Parallel requests", type: "number", defaultValue: netsuiteConfig.limits.maxConcurrent, help: "This connection's share of the account's concurrency limit (15 on an account without SuiteCloud Plus)." },
    { name: "webhookIpAllowlist", label: "Webhook IP allowlist", type: "text", help: "Optional: addresses or CIDR ranges events may come from, comma separated. Empty: any sender with the secret." },
  ],
  secrets: [
    { name: "clientId", label: "Client ID", type: "text", required: true, help: "Of the integration record (Client Credentials grant enabled)." },
    { name: "privateKey", label: "Private key (PEM)", type: "secret", required: true, multiline: true, help: "PKCS#8 PEM private key of the certificate uploaded to the M2M mapping. Never shown again." },
    { name: "webhookSecret", label: "Webhook secret", type: "secret", help: "The secret the outbound script appends to the webhook URL (at least 16 characters)." },
  ],
};
