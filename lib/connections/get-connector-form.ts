import { getConnector } from "../connectors/registry";
import type { Connector, FormField } from "../connectors/types";
import { AppError } from "../errors";
import type { DynamicSelectField } from "./form-values";

/** A connector's form declaration as the browser gets it (plain data: labels, fields, no functions). */
export type ConnectorFormView = {
  vendor: string;
  label: string;
  baseUrl: Connector["form"]["baseUrl"];
  /** settings fields; a select is `dynamicOptions` when the connector reads its choices from the vendor */
  settings: DynamicSelectField[];
  secrets: FormField[];
  /** the vendor sends callouts (webhooks) to this app: the connection has a signing secret */
  receivesCallouts: boolean;
};

/** The browser's copy of a connector's form declaration. */
export const toConnectorFormView = (connector: Connector): ConnectorFormView => ({
  vendor: connector.id,
  label: connector.label,
  baseUrl: connector.form.baseUrl,
  settings: connector.form.settings.map((f) => (f.type === "select" && connector.fieldOptions ? { ...f, dynamicOptions: true } : f)),
  secrets: connector.form.secrets,
  receivesCallouts: connector.receivesCallouts === true,
});

/** The form of one vendor; AppError INVALID_INPUT naming the field when no connector has that id. */
export const getConnectorForm = (vendor: string): ConnectorFormView => {
  try {
    return toConnectorFormView(getConnector(vendor));
  } catch {
    throw new AppError("INVALID_INPUT", { userMessage: `There is no connector for "${vendor}".`, fields: { vendor: "Choose one of the systems listed." } });
  }
};
