// The local.settings.json the postprovision hook writes, from the azd environment (the outputs of
// infra/main.bicep), so `func start` runs the app on a developer's machine against the deployed
// Cosmos DB and storage, signed in as the developer. It never points at the deployed app's queues:
// a local host would take real export messages from the Function App (and the deployed app the
// developer's). Its export queue is the developer's own, `<queue>-local-<user>` (the app creates
// it, and its poison queue, on first use); host storage stays on Azurite, so a local host never
// takes the deployed app's timer locks either. Every `%SETTING%` a binding names must be here
// (test/infra/binding-settings.test.ts), or the host drops the function that names it.

/** Longest queue name that still leaves room for the -poison suffix (queue names: 3 to 63 characters). */
const maxQueueNameLength = 63 - '-poison'.length;

/** The developer's own export queue: lowercase letters, digits and single hyphens, as queue names allow. */
export function localQueueName(deployedQueueName, developer) {
  const who =
    (developer ?? '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'dev';
  return `${deployedQueueName}-local-${who}`.slice(0, maxQueueNameLength).replace(/-+$/, '');
}

/** The Values of local.settings.json, from the azd environment (`azd env get-values`); throws naming what it lacks. */
export function localSettingsValues(environment, developer) {
  const values = {
    FUNCTIONS_WORKER_RUNTIME: 'node',
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    COSMOS_ENDPOINT: environment.COSMOS_ENDPOINT,
    COSMOS_DATABASE_NAME: environment.COSMOS_DATABASE_NAME,
    // No STORAGE__credential: locally the host then uses the developer's sign-in, not a managed identity.
    STORAGE__blobServiceUri: environment.STORAGE_BLOB_SERVICE_URI,
    STORAGE__queueServiceUri: environment.STORAGE_QUEUE_SERVICE_URI,
    AZURE_AUTHORITY_HOST: environment.AZURE_AUTHORITY_HOST,
    EXPORTS_CONTAINER_NAME: environment.EXPORTS_CONTAINER_NAME,
    EXPORTS_QUEUE_NAME: environment.EXPORTS_QUEUE_NAME === undefined ? undefined : localQueueName(environment.EXPORTS_QUEUE_NAME, developer),
    EXPORT_SCHEDULER_CRON: environment.EXPORT_SCHEDULER_CRON,
    EXPORT_FILE_RETENTION_DAYS: environment.EXPORT_FILE_RETENTION_DAYS,
    ACTIVITY_RETENTION_DAYS: environment.ACTIVITY_RETENTION_DAYS,
  };
  const missing = Object.entries(values)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length > 0) throw new Error(`The azd environment lacks ${missing.join(', ')}: did the provisioning finish?`);
  return values;
}

/**
 * An existing local.settings.json's Values with a deployed export queue replaced by the
 * developer's own; undefined when they point at no deployed queue (nothing to change).
 */
export function withoutDeployedQueues(values, environment, developer) {
  const deployed = values.STORAGE__queueServiceUri === environment.STORAGE_QUEUE_SERVICE_URI && values.EXPORTS_QUEUE_NAME === environment.EXPORTS_QUEUE_NAME;
  if (!deployed || environment.EXPORTS_QUEUE_NAME === undefined) return undefined;
  return { ...values, EXPORTS_QUEUE_NAME: localQueueName(environment.EXPORTS_QUEUE_NAME, developer) };
}
