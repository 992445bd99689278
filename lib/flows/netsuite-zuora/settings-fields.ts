import type { FormField } from "../../connectors/types";

/** The flow form's settings of a NetSuite -> Zuora flow (Flow.settings; parsed by netsuiteZuoraSettingsSchema). */
export const netsuiteZuoraSettingsFields: FormField[] = [
  { name: "linkField", label: "Zuora link field", type: "text", required: true, defaultValue: "NetSuiteId__c", help: "Custom field on Zuora accounts and invoices that holds the NetSuite internal id (define it in Zuora first)." },
  { name: "billCycleDay", label: "Bill cycle day", type: "number", defaultValue: 1, help: "Bill cycle day of the Zuora accounts created for NetSuite customers." },
  { name: "billToFirstName", label: "Bill-to first name", type: "text", defaultValue: "Accounts", help: "Zuora needs a bill-to contact; its last name is the company name." },
  { name: "skipInactiveCustomers", label: "Skip inactive customers", type: "boolean", defaultValue: true, help: "Inactive NetSuite customers get no Zuora account." },
  { name: "pollPageSize", label: "SuiteQL page size", type: "number", defaultValue: 500 },
  { name: "pollPagesPerJob", label: "Pages per poll job", type: "number", defaultValue: 10 },
  { name: "pollOverlapSeconds", label: "Poll overlap (s)", type: "number", defaultValue: 120, help: "Re-read this far behind the last change seen." },
];
