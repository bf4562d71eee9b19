/**
 * The yardstick of the cold-start benchmark: a function app that imports only @azure/functions
 * and registers one HTTP function.
 */
import azureFunctions from '@azure/functions';

azureFunctions.app.http('hello', {
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async () => ({ body: 'Hello' }),
});
