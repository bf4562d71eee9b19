// The local.settings.json values the postprovision hook writes, from the azd environment (the
// outputs of infra/main.bicep), so `func start` runs this machine's host against the Azure
// resources, signed in as the developer. Host storage stays on Azurite, so a local host never
// takes the deployed app's timer locks. Every `%SETTING%` a binding names must be here
// (test/infra/binding-settings.test.ts), or the host drops the function that names it.

/** The Values of local.settings.json; throws naming what the environment lacks. */
export function localSettingsValues(environment) {
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
    EXPORTS_QUEUE_NAME: environment.EXPORTS_QUEUE_NAME,
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
