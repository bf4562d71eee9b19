// azd postprovision hook: registers the deployed app's sign-in callback on the app registration,
// and writes local.settings.json (only when there is none) so `func start` can run the app on this
// machine against the Azure resources, signed in as the developer (main.bicep grants the deploying
// user the same data roles as the app). Host storage stays on Azurite, so a local host never takes
// the deployed app's timer locks.
import { existsSync, writeFileSync } from 'node:fs';
import { azdEnvironment, run } from './azure-cli.mjs';

const environment = azdEnvironment();
const clientId = environment.AUTH_CLIENT_ID;
const redirectUri = environment.AUTH_REDIRECT_URI;

if (clientId && redirectUri) {
  const registered = JSON.parse(run('az', ['ad', 'app', 'show', '--id', clientId, '--query', 'web.redirectUris', '--output', 'json']) || '[]');
  if (!registered.includes(redirectUri)) {
    run('az', ['ad', 'app', 'update', '--id', clientId, '--enable-id-token-issuance', 'true', '--web-redirect-uris', ...registered, redirectUri]);
    console.log(`Registered the sign-in callback ${redirectUri}.`);
  }
}

const settingsFile = 'local.settings.json';
if (existsSync(settingsFile)) {
  console.log(`${settingsFile} exists; left as it is.`);
} else {
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
    EXPORT_FILE_RETENTION_DAYS: environment.EXPORT_FILE_RETENTION_DAYS,
    ACTIVITY_RETENTION_DAYS: environment.ACTIVITY_RETENTION_DAYS,
  };
  const missing = Object.entries(values)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length > 0) throw new Error(`The azd environment lacks ${missing.join(', ')}: did the provisioning finish?`);
  writeFileSync(settingsFile, `${JSON.stringify({ IsEncrypted: false, Values: values }, null, 2)}\n`);
  console.log(`Wrote ${settingsFile} for the resources of ${environment.AZURE_ENV_NAME}.`);
}
