import { PlainHttpClient, VendorHttpError } from "../../http";
import { fetchAcumaticaToken } from "./auth";
import { acumaticaConfig } from "./config";
import { acumaticaEndpointsSchema, acumaticaSecretsSchema, acumaticaSettingsSchema } from "./schemas";

/**
 * The versions of the Default endpoint an Acumatica instance offers (`GET {instance}/entity`),
 * newest first. The list is anonymous on most instances; on a 401 it signs in with the draft's
 * credentials and asks once more. Null when the instance cannot be asked.
 */
export const listAcumaticaEndpointVersions = async ({ baseUrl, settings, secrets }: { baseUrl: string; settings: unknown; secrets: unknown }): Promise<string[] | null> => {
  const http = new PlainHttpClient({ vendor: acumaticaConfig.id, baseUrl, retry: { maxAttempts: 1 }, timeoutMs: 15_000 });
  const parsedSettings = acumaticaSettingsSchema.safeParse(settings ?? {});
  const name = parsedSettings.success ? parsedSettings.data.endpointName : acumaticaConfig.endpointName;
  const read = async (headers: Record<string, string>) => {
    const list = await http.request({ method: "GET", path: "entity", headers, outputSchema: acumaticaEndpointsSchema });
    return [...new Set(list.endpoints.filter((e) => e.name.toLowerCase() === name.toLowerCase()).map((e) => e.version))].sort().reverse();
  };
  try {
    return await read({});
  } catch (err) {
    if (!(err instanceof VendorHttpError) || err.status !== 401) return null;
  }
  const parsedSecrets = acumaticaSecretsSchema.safeParse(secrets);
  if (!parsedSettings.success || !parsedSecrets.success) return null;
  try {
    const token = await fetchAcumaticaToken({ instanceUrl: baseUrl, secrets: parsedSecrets.data, settings: parsedSettings.data, retry: { maxAttempts: 1 } });
    return await read({ authorization: `Bearer ${token.accessToken}` });
  } catch {
    return null;
  }
};
