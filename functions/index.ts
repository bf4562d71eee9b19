/**
 * The Azure Functions entry point (package.json `main`): registers the function table with the
 * host. Settings are read and the clients built on the first invocation.
 */
import azureFunctions from '@azure/functions';
import { loadConfig } from '../shared/config.js';
import { registerFunctions } from '../shared/host/azure-host.js';
import { createService, type Services } from '../shared/wiring.js';
import { functionTable } from './table.js';

// @azure/functions is CommonJS: `app` comes off the default export under ESM.
const { app } = azureFunctions;
let services: Services | undefined;

app.setup({ enableHttpStream: false });
registerFunctions(app, functionTable, () => {
  services ??= createService(loadConfig()).services;
  return services;
});
