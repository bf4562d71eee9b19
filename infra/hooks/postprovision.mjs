// azd postprovision hook: registers the deployed app's sign-in callback on the app registration,
// and writes local.settings.json (only when there is none; its values: local-settings.mjs) so
// `func start` can run the app on this machine against the Azure resources, signed in as the
// developer (main.bicep grants the deploying user the same data roles as the app).
import { existsSync, writeFileSync } from 'node:fs';
import { azdEnvironment, run } from './azure-cli.mjs';
import { localSettingsValues } from './local-settings.mjs';

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
  const values = localSettingsValues(environment);
  writeFileSync(settingsFile, `${JSON.stringify({ IsEncrypted: false, Values: values }, null, 2)}\n`);
  console.log(`Wrote ${settingsFile} for the resources of ${environment.AZURE_ENV_NAME}.`);
}
