/**
 * The Azure Functions entry point (package.json `main`): registers the function table with the
 * host. Settings are read and the clients built on the first invocation; the service's wiring
 * (and with it the Cosmos DB and Storage SDKs) is imported only then, so that a cold start
 * registers the functions without loading the SDKs first (`npm run bench` measures it).
 */
import azureFunctions from '@azure/functions';
import type { ServiceContext } from '../shared/context.js';
import { registerFunctions } from '../shared/host/azure-host.js';
import { functionTable } from './table.js';

// @azure/functions is CommonJS: `app` comes off the default export under ESM.
const { app } = azureFunctions;
let context: Promise<ServiceContext> | undefined;

async function createContext(): Promise<ServiceContext> {
  const [{ loadConfig }, { createService }] = await Promise.all([import('../shared/config.js'), import('../shared/wiring.js')]);
  return createService(loadConfig()).ctx;
}

app.setup({ enableHttpStream: false });
registerFunctions(app, functionTable, () => {
  // A failed start (a bad setting) is not remembered: the next invocation tries again.
  context ??= createContext().catch((err: unknown) => {
    context = undefined;
    throw err;
  });
  return context;
});
