// The planner of Zoho CRM -> Acumatica: the Account of a won deal becomes an Acumatica customer,
// once. Deals that are not won, accounts already linked to a customer and accounts the partner flow
// created from Acumatica are skipped, so nothing is echoed back.
import { z } from "zod";
import { zohoDealDocumentSchema } from "../../connectors/zoho-crm/source";
import type { FlowRuntime, ProcessPlan } from "../types";

export const zohoAcumaticaSettingsSchema = z.object({
  /** prefix of created customer IDs; the rest is the Zoho Account id (19 digits), so one account is one customer */
  customerIdPrefix: z.string().regex(/^[A-Z0-9]{0,4}$/, "up to 4 capital letters or digits").default("Z"),
  /** class of created customers; Acumatica's default when blank */
  customerClass: z.string().optional(),
  /** currency of created customers; Acumatica's default when blank */
  currencyId: z.string().regex(/^[A-Z]{3}$/).optional(),
  /** the deal stage that creates a customer */
  wonStage: z.string().min(1).default("Closed Won"),
  pollPageSize: z.number().int().min(1).max(200).default(200),
  pollPagesPerJob: z.number().int().min(1).max(100).default(10),
  pollOverlapSeconds: z.number().int().min(0).max(3600).default(60),
});
export type ZohoAcumaticaSettings = z.infer<typeof zohoAcumaticaSettingsSchema>;

/** What this flow records as posted: the customer and the Zoho Account it belongs to (read by the partner flow). */
export type PostedCustomer = { customer: { customerId: string; name: string; customerClass?: string; currencyId?: string }; zohoAccountId: string };

export const customerIdOf = (settings: ZohoAcumaticaSettings, accountId: string) => `${settings.customerIdPrefix}${accountId}`.slice(0, 30);

export const createPlanner = (settings: ZohoAcumaticaSettings): FlowRuntime["plan"] => async ({ record, ledger }): Promise<ProcessPlan> => {
  if (record.objectType !== "deal") return { action: "skip", reason: `object type ${record.objectType} is not synced by this flow: only won deals' customers are written to Acumatica, never financial postings` };
  const deal = zohoDealDocumentSchema.parse(record.sourcePayload);
  if (deal.stage !== settings.wonStage) return { action: "skip", reason: `deal stage is ${deal.stage}: only ${settings.wonStage} deals create customers` };
  const account = deal.account;
  if (!account) return { action: "fail", reason: `won deal "${deal.dealName}" has no account: set its Account Name in Zoho CRM, then replay` };
  if (account.acumaticaCustomerId) return { action: "skip", reason: `account ${account.name} is already Acumatica customer ${account.acumaticaCustomerId}` };
  const fromAcumatica = await ledger.partnerRecordByTarget({ objectType: "customer", targetId: account.id });
  if (fromAcumatica) return { action: "skip", reason: `account ${account.name} was created from Acumatica customer ${fromAcumatica.sourceId}: not echoed back` };
  const customer = {
    customerId: customerIdOf(settings, account.id),
    name: account.name,
    ...(settings.customerClass ? { customerClass: settings.customerClass } : {}),
    ...(settings.currencyId ? { currencyId: settings.currencyId } : {}),
  };
  const mapped: PostedCustomer = { customer, zohoAccountId: account.id };
  return { action: "post", documents: [{ entity: "Customer", naturalKey: customer.customerId, document: customer }], mapped };
};
