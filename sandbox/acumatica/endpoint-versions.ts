/**
 * The Default endpoint versions a 2024 R2 build ships and what the older ones lack. The sandbox's shapes
 * come from 24.200.001; for the entities it serves, 23.200.001 is identical, and 22.200.001 and
 * 20.200.001 lack the fields below (compared in the XML endpoint contracts `EndpointMetadata/Default_*` of
 * Acumatica/AcumaticaRESTAPIClientForCSharp). A field a version lacks is ignored in a request body and
 * never returned, as for any field outside an endpoint's contract; `$filter` on it answers 400.
 */
import type { EntityDefinition } from "./entities";
import type { EntityShape } from "./entity-shapes";

export const DEFAULT_ENDPOINT_VERSIONS = ["20.200.001", "22.200.001", "23.200.001", "24.200.001"] as const;

const MISSING: Record<string, Partial<Record<string, readonly string[]>>> = {
  "22.200.001": {
    Customer: ["CustomerCategory", "Email", "PrimaryContactID"],
    Payment: ["Charges", "IsCCPayment"],
  },
  "20.200.001": {
    Customer: ["BAccountID", "CreditLimit", "CustomerCategory", "Email", "EntityUsageType", "IsGuestCustomer", "NoteID", "PrimaryContactID", "RestrictVisibilityTo", "TaxExemptionNumber"],
    Payment: ["AppliedToOrders", "AvailableBalance", "BranchID", "Charges", "CustomerLocationID", "ExternalRef", "IsCCPayment", "IsNewCard", "NoteID", "OrigTransaction"],
  },
};

const without = (shape: EntityShape, names: readonly string[]): EntityShape => ({
  ...shape,
  fields: Object.fromEntries(Object.entries(shape.fields).filter(([k]) => !names.includes(k))),
  details: Object.fromEntries(Object.entries(shape.details).filter(([k]) => !names.includes(k))),
});

const cache = new Map<string, EntityDefinition>();

/** The entity as `version` of the Default endpoint defines it. */
export const definitionFor = (def: EntityDefinition, version: string): EntityDefinition => {
  const missing = MISSING[version]?.[def.name];
  if (!missing) return def;
  const key = `${version}/${def.name}`;
  let versioned = cache.get(key);
  if (!versioned) {
    versioned = { ...def, shape: without(def.shape, missing) };
    cache.set(key, versioned);
  }
  return versioned;
};
