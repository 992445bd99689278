import { listConnectors } from "../connectors/registry";
import { toConnectorFormView, type ConnectorFormView } from "./get-connector-form";

/** Every registered connector's form declaration, in registry order (the vendor picker lists them all). */
export const listConnectorForms = (): ConnectorFormView[] => listConnectors().map(toConnectorFormView);
