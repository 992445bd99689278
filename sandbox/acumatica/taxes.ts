/**
 * Tax calculation of an AR document as Acumatica's tax engine does it for manual tax zones: the taxes of a
 * line are those of the document's tax zone (the customer's default, TX206000 Applicable Taxes) that its tax
 * category admits (TX205500: the listed taxes, or all but the listed ones with Exclude Listed Taxes); each
 * tax is charged on the sum of the amounts of the lines it applies to, at the rate of the tax schedule row
 * in force on the document date (TX205000 Tax Schedule), rounded to the cent per tax.
 */
import type { EntityTable } from "./table";
import type { Scalar, StoredRow } from "./records";

export type TaxLine = { amount: number; taxCategory: string | undefined };
export type TaxDetailRow = { TaxID: string; TaxRate: number; TaxableAmount: number; TaxAmount: number };

type TaxTables = { Tax: EntityTable; TaxZone: EntityTable; TaxCategory: EntityTable };

const round2 = (n: number) => Math.round((n + Math.sign(n) * Number.EPSILON) * 100) / 100;
const str = (v: Scalar | undefined) => (typeof v === "string" ? v : undefined);
const lower = (v: Scalar | undefined) => str(v)?.toLowerCase();

/** The rate in percent of the schedule row in force on `date` (ISO text); 0 when the tax has none. */
export const taxRateOn = (schedule: readonly StoredRow[], date: string): number => {
  let best: { start: string; rate: number } | undefined;
  for (const row of schedule) {
    const start = str(row.fields.StartDate) ?? "0000";
    if (start.slice(0, 10) > date.slice(0, 10)) continue;
    if (!best || start >= best.start) best = { start, rate: typeof row.fields.TaxRate === "number" ? row.fields.TaxRate : 0 };
  }
  return best?.rate ?? 0;
};

/** Taxes of the zone that the category admits, in the zone's order. */
const taxesOf = (tables: TaxTables, zoneTaxes: string[], categoryId: string | undefined): string[] => {
  if (!categoryId) return [];
  const category = tables.TaxCategory.getByKey([categoryId]);
  if (!category || category.fields.Active === false) return [];
  const listed = new Set((category.details.Details ?? []).map((r) => lower(r.fields.TaxID)).filter((t): t is string => t !== undefined));
  const exclude = category.fields.ExcludeListedTaxes === true;
  return zoneTaxes.filter((taxId) => listed.has(taxId.toLowerCase()) !== exclude);
};

/** Tax details of a document of `zoneId` dated `date`; [] without a zone. */
export const computeTaxDetails = (tables: TaxTables, zoneId: string | undefined, date: string, lines: readonly TaxLine[]): TaxDetailRow[] => {
  if (!zoneId) return [];
  const zone = tables.TaxZone.getByKey([zoneId]);
  if (!zone) return [];
  const zoneTaxes = (zone.details.ApplicableTaxes ?? []).map((r) => str(r.fields.TaxID)).filter((t): t is string => t !== undefined);
  const taxable = new Map<string, number>();
  for (const line of lines) {
    for (const taxId of taxesOf(tables, zoneTaxes, line.taxCategory)) taxable.set(taxId, (taxable.get(taxId) ?? 0) + line.amount);
  }
  return [...taxable].map(([taxId, base]) => {
    const tax = tables.Tax.getByKey([taxId]);
    const rate = tax ? taxRateOn(tax.details.TaxSchedule ?? [], date) : 0;
    const TaxableAmount = round2(base);
    return { TaxID: str(tax?.fields.TaxID) ?? taxId, TaxRate: rate, TaxableAmount, TaxAmount: round2((TaxableAmount * rate) / 100) };
  });
};

/** Whether `taxId` is one of the zone's applicable taxes. */
export const zoneHasTax = (tables: TaxTables, zoneId: string | undefined, taxId: string) => {
  if (!zoneId) return false;
  const zone = tables.TaxZone.getByKey([zoneId]);
  return (zone?.details.ApplicableTaxes ?? []).some((r) => lower(r.fields.TaxID) === taxId.toLowerCase());
};
