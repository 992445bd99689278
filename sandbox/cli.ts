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
