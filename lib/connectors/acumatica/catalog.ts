import { z } from "zod";
import { readAllPages } from "../common/odata";
import { MAX_CATALOG_VALUES, type CatalogValue } from "../types";
import type { AcumaticaClient } from "./client";
import type { AcumaticaEntity } from "./config";

/** Rows per `$top`/`$skip` page of a catalogue read. */
const PAGE = 1000;

/** Every page of one entity up to MAX_CATALOG_VALUES, as catalogue values. */
const readAll = async <S extends z.ZodType>(client: AcumaticaClient, entity: AcumaticaEntity, schema: S, select: string, toValue: (row: z.infer<S>) => CatalogValue, filter?: string) =>
  (await readAllPages(async ({ top, skip }) => (await client.list(entity, schema, { select, top, skip, filter })) as z.infer<S>[], { pageSize: PAGE, max: MAX_CATALOG_VALUES })).map(toValue);

const accountRowSchema = z.looseObject({ AccountCD: z.string(), Description: z.string().nullish(), Type: z.string().nullish(), Active: z.boolean().nullish() });
const customerRowSchema = z.looseObject({ CustomerID: z.string(), CustomerName: z.string().nullish() });
const cashAccountRowSchema = z.looseObject({ CashAccountCD: z.string(), Description: z.string().nullish(), Active: z.boolean().nullish() });
const paymentMethodRowSchema = z.looseObject({ PaymentMethodID: z.string(), Description: z.string().nullish(), Active: z.boolean().nullish() });

/** GL accounts (`Account`): code, "description · type", inactive ones marked. */
export const listAcumaticaGlAccounts = (client: AcumaticaClient) =>
  readAll(client, "Account", accountRowSchema, "AccountCD,Description,Type,Active", (a) => ({
    key: a.AccountCD,
    label: [a.Description, a.Type].filter(Boolean).join(" · ") || null,
    ...(a.Active === false ? { inactive: true } : {}),
  }));

/** Customers (`Customer`): CustomerID, name. */
export const listAcumaticaCustomers = (client: AcumaticaClient) =>
  readAll(client, "Customer", customerRowSchema, "CustomerID,CustomerName", (c) => ({ key: c.CustomerID, label: c.CustomerName ?? null }));

/** Cash accounts (`CashAccount`), for payment settings. */
export const listAcumaticaCashAccounts = (client: AcumaticaClient) =>
  readAll(client, "CashAccount", cashAccountRowSchema, "CashAccountCD,Description,Active", (c) => ({
    key: c.CashAccountCD,
    label: c.Description ?? null,
    ...(c.Active === false ? { inactive: true } : {}),
  }));

/** Payment methods (`PaymentMethod`), for payment settings. */
export const listAcumaticaPaymentMethods = (client: AcumaticaClient) =>
  readAll(client, "PaymentMethod", paymentMethodRowSchema, "PaymentMethodID,Description,Active", (p) => ({
    key: p.PaymentMethodID,
    label: p.Description ?? null,
    ...(p.Active === false ? { inactive: true } : {}),
  }));

const cashGlAccountRowSchema = z.looseObject({ AccountCD: z.string(), Description: z.string().nullish(), CurrencyID: z.string().nullish(), Active: z.boolean().nullish() });
const taxRowSchema = z.looseObject({ TaxID: z.string(), Description: z.string().nullish() });
const taxZoneRowSchema = z.looseObject({ TaxZoneID: z.string(), Description: z.string().nullish() });
const taxCategoryRowSchema = z.looseObject({ TaxCategoryID: z.string(), Description: z.string().nullish(), Active: z.boolean().nullish() });

/** GL accounts flagged as cash accounts (`Account`, `CashAccount eq true`), labelled with their currency. */
export const listAcumaticaCashGlAccounts = (client: AcumaticaClient) =>
  readAll(
    client,
    "Account",
    cashGlAccountRowSchema,
    "AccountCD,Description,CurrencyID,Active",
    (a) => ({ key: a.AccountCD, label: [a.Description, a.CurrencyID].filter(Boolean).join(" · ") || null, ...(a.Active === false ? { inactive: true } : {}) }),
    "CashAccount eq true",
  );

/** Taxes (`Tax`, TX205000). */
export const listAcumaticaTaxes = (client: AcumaticaClient) => readAll(client, "Tax", taxRowSchema, "TaxID,Description", (t) => ({ key: t.TaxID, label: t.Description ?? null }));

/** Tax zones (`TaxZone`, TX206000). */
export const listAcumaticaTaxZones = (client: AcumaticaClient) => readAll(client, "TaxZone", taxZoneRowSchema, "TaxZoneID,Description", (t) => ({ key: t.TaxZoneID, label: t.Description ?? null }));

/** Tax categories (`TaxCategory`, TX205500). */
export const listAcumaticaTaxCategories = (client: AcumaticaClient) =>
  readAll(client, "TaxCategory", taxCategoryRowSchema, "TaxCategoryID,Description,Active", (t) => ({
    key: t.TaxCategoryID,
    label: t.Description ?? null,
    ...(t.Active === false ? { inactive: true } : {}),
  }));
