/**
 * The Azure Functions entry point (package.json `main`): registers the function table with the
 * host. Settings are read and the clients built on the first invocation.
 */
import azureFunctions from '@azure/functions';
import { loadConfig } from '../shared/config.js';
import type { ServiceContext } from '../shared/context.js';
import { registerFunctions } from '../shared/host/azure-host.js';
import { createService } from '../shared/wiring.js';
import { functionTable } from './table.js';

// @azure/functions is CommonJS: `app` comes off the default export under ESM.
const { app } = azureFunctions;
let context: ServiceContext | undefined;

app.setup({ enableHttpStream: false });
registerFunctions(app, functionTable, () => {
  context ??= createService(loadConfig()).ctx;
  return context;
});
