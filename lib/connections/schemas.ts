import { z } from "zod";

// Persisted JSON: Connection.settings is parsed with the vendor connector's settingsSchema on read and
// write; changing those schemas needs a data migration.

export const VENDORS = ["zuora", "acumatica", "qad", "netsuite", "zoho-crm", "ifs-cloud"] as const;
export const vendorSchema = z.enum(VENDORS);
export type VendorId = z.infer<typeof vendorSchema>;

/** The vendor column holds the kebab-case vendor id itself. */
export const toDbVendor = (vendor: VendorId): string => vendor;
export const fromDbVendor = (vendor: string) => vendorSchema.parse(vendor);

export const connectionInputSchema = z.strictObject({
  vendor: vendorSchema,
  name: z.string().trim().min(1, "Give the connection a name").max(100),
  baseUrl: z.url({ protocol: /^https?$/, error: "Enter the full tenant URL, starting with https://" }),
  settings: z.record(z.string(), z.unknown()).default({}),
  /** write-only: encrypted before it is stored, never returned */
  secrets: z.record(z.string(), z.unknown()),
});
export type ConnectionInput = z.input<typeof connectionInputSchema>;
