import { z } from "zod";
import { readAllPages } from "../shared/odata";
import { MAX_CATALOG_VALUES, type CatalogValue } from "../types";
import type { AcumaticaClient } from "./client";
import type { AcumaticaEntity } from "./config";

/** Rows per `$top`/`$skip` page of a catalogue read. */
const PAGE = 1000;

/** Every page of one entity up to MAX_CATALOG_VALUES, as catalogue values. */
const readAll = async <S extends z.ZodType>(client: AcumaticaClient, entity: AcumaticaEntity, schema: S, select: string, toValue: (row: z.infer<S>) => CatalogValue) =>
  (await readAllPages(async ({ top, skip }) => (await client.list(entity, schema, { select, top, skip })) as z.infer<S>[], { pageSize: PAGE, max: MAX_CATALOG_VALUES })).map(toValue);

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
