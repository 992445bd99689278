import { z } from "zod";

// Persisted JSON: Connection.settings is parsed with the vendor connector's settingsSchema on read and
// write; changing those schemas needs a data migration.

export const VENDORS = ["zuora", "acumatica", "qad", "netsuite", "zoho-crm", "ifs-cloud"] as const;
export const vendorSchema = z.enum(VENDORS);
export type VendorId = z.infer<typeof vendorSchema>;

/** Prisma's enum member for a vendor id (the DB stores the kebab-case id itself). */
export const toDbVendor = (vendor: VendorId) => vendor.replace("-", "_") as "zuora" | "acumatica" | "qad" | "netsuite" | "zoho_crm" | "ifs_cloud";
export const fromDbVendor = (vendor: string) => vendorSchema.parse(vendor.replace("_", "-"));

export const connectionInputSchema = z.strictObject({
  vendor: vendorSchema,
  name: z.string().trim().min(1, "Give the connection a name").max(100),
  baseUrl: z.url({ protocol: /^https?$/, error: "Enter the full tenant URL, starting with https://" }),
  settings: z.record(z.string(), z.unknown()).default({}),
  /** write-only: encrypted before it is stored, never returned */
  secrets: z.record(z.string(), z.unknown()),
});
export type ConnectionInput = z.input<typeof connectionInputSchema>;
