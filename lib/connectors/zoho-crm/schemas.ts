import { z } from "zod";

// Connection settings and secrets are persisted JSON: changing these schemas needs a data migration.

export const zohoCrmSettingsSchema = z.object({
  /** API names of the custom unique fields that hold the Acumatica keys (the org's admin creates them) */
  accountKeyField: z.string().min(1).default("Acumatica_Customer_ID"),
  productKeyField: z.string().min(1).default("Acumatica_Inventory_ID"),
  invoiceKeyField: z.string().min(1).default("Acumatica_Reference_Nbr"),
  /** shared limits of this connection (all worker processes together) */
  requestsPerSecond: z.number().positive().optional(),
  maxConcurrent: z.number().int().positive().optional(),
});
export type ZohoCrmSettings = z.infer<typeof zohoCrmSettingsSchema>;

export const zohoCrmSecretsSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** a refresh token of the self client / server-based client, with the scopes below */
  refreshToken: z.string().min(1),
});
export type ZohoCrmSecrets = z.infer<typeof zohoCrmSecretsSchema>;

/** A token answer: Zoho Accounts answers refusals with HTTP 200 and `{"error": ...}`. */
export const zohoTokenAnswerSchema = z.union([
  z.looseObject({ access_token: z.string().min(1), api_domain: z.url(), expires_in: z.coerce.number().positive(), token_type: z.string().optional(), scope: z.string().optional() }),
  z.looseObject({ error: z.string(), error_description: z.string().optional() }),
]);

/** The error body of the records API: `{code, message, details, status: "error"}`. */
export const zohoErrorSchema = z.looseObject({ code: z.string(), message: z.string().optional(), details: z.record(z.string(), z.unknown()).optional(), status: z.string().optional() });

/** One result of a write (insert, update, upsert), in request order. */
export const zohoWriteResultSchema = z.looseObject({
  code: z.string(),
  status: z.enum(["success", "error"]),
  message: z.string().optional(),
  action: z.string().optional(),
  duplicate_field: z.string().nullish(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ZohoWriteResult = z.infer<typeof zohoWriteResultSchema>;
export const zohoWriteAnswerSchema = z.object({ data: z.array(zohoWriteResultSchema) });

export const zohoListInfoSchema = z.looseObject({
  more_records: z.boolean(),
  next_page_token: z.string().nullish(),
  count: z.number().optional(),
});
/** A list page; records are loose objects, each module's reader checks its own fields. */
export const zohoListAnswerSchema = z.object({ data: z.array(z.looseObject({ id: z.string() })), info: zohoListInfoSchema });
export type ZohoRecord = z.infer<typeof zohoListAnswerSchema>["data"][number];

/** A lookup as answered: `{name, id}`. */
export const zohoLookupSchema = z.looseObject({ id: z.string(), name: z.string().nullish() });

export const zohoModulesAnswerSchema = z.object({ modules: z.array(z.looseObject({ api_name: z.string(), api_supported: z.boolean().optional() })) });
export const zohoFieldsAnswerSchema = z.object({
  fields: z.array(z.looseObject({ api_name: z.string(), pick_list_values: z.array(z.looseObject({ display_value: z.string(), actual_value: z.string().optional() })).optional() })),
});
export const zohoOrgAnswerSchema = z.object({ org: z.array(z.looseObject({ company_name: z.string().nullish(), id: z.string().optional() })) });

/** One result of `/actions/watch`; `details.events[].channel_expiry` is the channel's expiry on Zoho's clock. */
export const zohoWatchAnswerSchema = z.object({
  watch: z.array(
    z.looseObject({
      code: z.string(),
      status: z.string(),
      message: z.string().optional(),
      details: z.looseObject({ events: z.array(z.looseObject({ channel_expiry: z.string(), channel_id: z.union([z.string(), z.number()]).optional() })).optional() }).optional(),
    }),
  ),
});

/** A notification callback: ids only, with the channel's token echoed. */
export const zohoCallbackSchema = z.looseObject({
  server_time: z.union([z.number(), z.string()]),
  module: z.string(),
  ids: z.array(z.string()),
  operation: z.string(),
  channel_id: z.union([z.string(), z.number()]),
  token: z.string().nullish(),
  affected_fields: z.array(z.unknown()).optional(),
});
