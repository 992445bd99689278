import type { ConnectorForm } from "../types";
import { zohoCrmConfig } from "./config";

/** The Zoho CRM connection form: data center (accounts server), self-client credentials, key fields. */
export const zohoCrmForm: ConnectorForm = {
  baseUrl: {
    label: "Data center (Zoho accounts server)",
    placeholder: "https://accounts.zoho.com",
    help: "The accounts server of the data center your Zoho CRM org lives in. API calls go to the api_domain Zoho returns with each token.",
    presets: Object.entries(zohoCrmConfig.accountsServers).map(([label, value]) => ({ value, label })),
  },
  settings: [
    { name: "accountKeyField", label: "Account field holding the Acumatica customer ID", type: "text", defaultValue: "Acumatica_Customer_ID", help: "API name of a custom field with \"Do not allow duplicate values\" on Accounts." },
    { name: "productKeyField", label: "Product field holding the Acumatica inventory ID", type: "text", defaultValue: "Acumatica_Inventory_ID", help: "API name of a unique custom field on Products." },
    { name: "invoiceKeyField", label: "Invoice field holding the Acumatica reference number", type: "text", defaultValue: "Acumatica_Reference_Nbr", help: "API name of a unique custom field on Invoices." },
  ],
  secrets: [
    { name: "clientId", label: "Client ID", type: "text", required: true, help: "From Zoho's API console (self client or server-based client)." },
    { name: "clientSecret", label: "Client secret", type: "secret", required: true },
    {
      name: "refreshToken",
      label: "Refresh token",
      type: "secret",
      required: true,
      help: "Generated with scopes ZohoCRM.modules.ALL, ZohoCRM.settings.ALL, ZohoCRM.notifications.ALL, ZohoCRM.users.READ, ZohoCRM.org.READ.",
    },
  ],
};
