import { startSandbox } from "./index";

/* `npm run sandbox`: the embedded default (port SANDBOX_PORT, state in DATA_DIR/sandbox, demo data on first start). */

const sandbox = await startSandbox();
const { credentials } = sandbox;
console.log(`sandbox listening on ${sandbox.url}
  Zuora      base URL ${credentials.zuora.baseUrl}
             client_id ${credentials.zuora.clientId}  client_secret ${credentials.zuora.clientSecret}
  Acumatica  instance URL ${credentials.acumatica.baseUrl}  (Default/${credentials.acumatica.endpointVersion}, tenant ${credentials.acumatica.tenant})
             client_id ${credentials.acumatica.clientId}  client_secret ${credentials.acumatica.clientSecret}
             user ${credentials.acumatica.username} / ${credentials.acumatica.password}
  QAD        base URL ${credentials.qad.baseUrl}  workspace ${credentials.qad.workspaceId}
             client_id ${credentials.qad.clientId}  user ${credentials.qad.username} / ${credentials.qad.password}
  NetSuite   account root ${credentials.netsuite.baseUrl}  (account ${credentials.netsuite.accountId})
             client_id ${credentials.netsuite.clientId}  certificate ${credentials.netsuite.certificateId}  (demo private key: GET /_sandbox/info)
  IFS Cloud  host ${credentials.ifsCloud.baseUrl}  realm ${credentials.ifsCloud.realm}
             client_id ${credentials.ifsCloud.clientId}  client_secret ${credentials.ifsCloud.clientSecret}
  Zoho CRM   accounts ${credentials["zoho-crm"].accountsUrl}  (data center ${credentials["zoho-crm"].dataCenter})
             client_id ${credentials["zoho-crm"].clientId}  refresh_token ${credentials["zoho-crm"].refreshToken}
  Control    ${sandbox.url}/_sandbox  (see sandbox/README.md)`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`sandbox: ${signal}, saving state and stopping`);
  await sandbox.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
