// Deploys the api service to a Function App on the Dedicated plan (HOSTING_PLAN=Dedicated), in
// place of `azd deploy`: the app runs from a package blob that it reads with its managed identity
// (WEBSITE_RUN_FROM_PACKAGE is that blob's URL), and the platform's zip deploy refuses apps that
// run from a URL. So this packages the service as azd would (`azd package`), uploads the zip to the
// deployment container signed in as you (main.bicep grants the deploying principal Storage Blob
// Data Contributor on that container only), and restarts the app to load it. No keys anywhere.
//
//   azd provision && node infra/hooks/deploy-dedicated.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { azdEnvironment, run } from './azure-cli.mjs';

const environment = azdEnvironment();
if (environment.HOSTING_PLAN !== 'Dedicated') {
  console.error('This environment is not on the Dedicated plan (HOSTING_PLAN): deploy with `azd deploy`.');
  process.exit(1);
}
const blobEndpoint = environment.STORAGE_BLOB_SERVICE_URI;
const account = new URL(blobEndpoint).hostname.split('.')[0];
const folder = mkdtempSync(join(tmpdir(), 'customer-list-package-'));
try {
  const zip = join(folder, 'api.zip');
  run('azd', ['package', 'api', '--output-path', zip]);
  run('az', [
    'storage',
    'blob',
    'upload',
    '--auth-mode',
    'login',
    '--blob-url',
    `${blobEndpoint.replace(/\/+$/, '')}/${environment.DEPLOYMENT_CONTAINER_NAME}/api.zip`,
    '--file',
    zip,
    '--overwrite',
  ]);
  run('az', ['functionapp', 'restart', '--name', environment.AZURE_FUNCTION_APP_NAME, '--resource-group', environment.AZURE_RESOURCE_GROUP]);
  console.log(`Uploaded the package to ${account}/${environment.DEPLOYMENT_CONTAINER_NAME}/api.zip and restarted ${environment.AZURE_FUNCTION_APP_NAME}.`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
