import { AppError } from "../errors";
import { acumatica } from "./acumatica";
import type { Connector, VendorId } from "./types";
import { zuora } from "./zuora";

/** Every connector, by vendor id. Written by hand (six vendors do not need codegen). */
export const connectors = { zuora, acumatica } as const satisfies Partial<Record<VendorId, Connector>>;

export type RegisteredVendorId = keyof typeof connectors;

const isRegistered = (id: string): id is RegisteredVendorId => Object.hasOwn(connectors, id);

/** The connector of a vendor id; throws AppError("UNKNOWN_VENDOR") for vendors without one yet. */
export const getConnector = <V extends RegisteredVendorId>(id: V | (string & {})): (typeof connectors)[RegisteredVendorId] => {
  if (!isRegistered(id)) throw new AppError("UNKNOWN_VENDOR", { message: `No connector for vendor "${id}"` });
  return connectors[id];
};
