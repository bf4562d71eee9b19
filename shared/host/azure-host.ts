/**
 * Registers the function table with the Azure Functions host through `@azure/functions`. The
 * services are built on first use (asynchronously: the entry point imports the SDKs then), so a
 * bad setting fails an invocation with a clear log instead of the whole app at start-up.
 */
import type { app as azureApp } from '@azure/functions';
import type { Services } from '../wiring.js';
import type { FunctionEntry } from './function-table.js';

type AppApi = Pick<typeof azureApp, 'http' | 'storageQueue' | 'timer'>;

export function registerFunctions(app: AppApi, table: readonly FunctionEntry[], services: () => Promise<Services>): void {
  for (const entry of table) {
    switch (entry.trigger) {
      case 'http':
        app.http(entry.name, {
          methods: entry.methods,
          route: entry.route,
          authLevel: 'anonymous',
          handler: async (request, invocation) => entry.handler(request, invocation, await services()),
        });
        break;
      case 'storageQueue':
        app.storageQueue(entry.name, {
          queueName: entry.queueName,
          connection: entry.connection,
          handler: async (message, invocation) => entry.handler(message, invocation, await services()),
        });
        break;
      case 'timer':
        app.timer(entry.name, {
          schedule: entry.schedule,
          handler: async (timer, invocation) => entry.handler(timer, invocation, await services()),
        });
        break;
    }
  }
}
