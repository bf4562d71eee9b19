/**
 * The Azure Functions entry point (package.json `main`): registers the function table with the
 * host. Settings are read and the services built on the first invocation; the composition root
 * (and with it the Cosmos DB and Storage SDKs) is imported only then, so that a cold start
 * registers the functions without loading the SDKs first (`npm run bench` measures it).
 */
import azureFunctions from '@azure/functions';
import { registerFunctions } from '../shared/host/azure-host.js';
import type { Services } from '../shared/wiring.js';
import { functionTable } from './table.js';

// @azure/functions is CommonJS: `app` comes off the default export under ESM.
const { app } = azureFunctions;
let services: Promise<Services> | undefined;

async function createServices(): Promise<Services> {
  const [{ loadConfig }, { createService }] = await Promise.all([import('../shared/config.js'), import('../shared/wiring.js')]);
  return createService(loadConfig()).services;
}

app.setup({ enableHttpStream: false });
registerFunctions(app, functionTable, () => {
  // A failed start (a bad setting) is not remembered: the next invocation tries again.
  services ??= createServices().catch((err: unknown) => {
    services = undefined;
    throw err;
  });
  return services;
});
