import { AppError } from "../errors";
import { acumatica } from "./acumatica";
import { qad } from "./qad";
import { ifsCloud } from "./ifs-cloud";
import { netsuite } from "./netsuite";
import type { Connector, VendorId } from "./types";
import { zuora } from "./zuora";
import { zohoCrm } from "./zoho-crm";

/** Every connector of this build, by vendor id. Written by hand (six vendors do not need codegen). */
export const connectors = { zuora, acumatica, qad, netsuite, "ifs-cloud": ifsCloud, "zoho-crm": zohoCrm } as const satisfies Partial<Record<VendorId, Connector>>;

export type RegisteredVendorId = keyof typeof connectors;

/** Connectors added at run time by tests and plugins (registerConnector). */
const added = new Map<string, Connector>();

/**
 * Adds a connector for the life of this process, for tests and plugins (e.g. an in-memory vendor in a
 * test file). The build's own connectors are listed above; nothing registers itself by import.
 */
export const registerConnector = (connector: Connector) => void added.set(connector.id, connector);

const builtIn = (id: string): Connector | undefined => (Object.hasOwn(connectors, id) ? (connectors[id as RegisteredVendorId] as Connector) : undefined);

/** The connector of a vendor id; throws AppError("UNKNOWN_VENDOR") for vendors without one yet. */
export const getConnector = (id: string): Connector => {
  const connector = builtIn(id) ?? added.get(id);
  if (!connector) throw new AppError("UNKNOWN_VENDOR", { message: `No connector for vendor "${id}"` });
  return connector;
};

/** The connector of a vendor id, or undefined. */
export const findConnector = (id: string): Connector | undefined => builtIn(id) ?? added.get(id);

/** Every connector: the build's, then those registered at run time. */
export const listConnectors = (): Connector[] => [...(Object.values(connectors) as Connector[]), ...added.values()];
