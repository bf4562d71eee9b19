// azd preprovision hook: makes sure the environment has an Entra app registration for App Service
// Authentication, with the service's two app roles, and stores its client id as AUTH_CLIENT_ID
// (main.parameters.json passes it to main.bicep as authClientId).
//
// The registration is multitenant (AzureADMultipleOrgs): partners sign in from their own tenants,
// and the service admits only tenants imported as partners or resellers. It has no secret: the
// platform signs browsers in with ID tokens and accepts bearer tokens for the API. It works in any
// Azure cloud the Azure CLI is signed in to (az cloud set).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { azdEnvironment, run, tryRun } from './azure-cli.mjs';

const appRoles = [
  {
    value: 'Customers.Read',
    displayName: 'Read customers',
    description: 'Search and view customers, list their subscriptions, read the activity log and export lists to CSV.',
  },
  {
    value: 'Customers.ReadWrite',
    displayName: 'Read and rename customers',
    description: "Everything Customers.Read allows, plus rename a customer's Bill-to company name and manage export schedules.",
  },
];

const environment = azdEnvironment();
const environmentName = environment.AZURE_ENV_NAME;
if (!environmentName) throw new Error('AZURE_ENV_NAME is not set: run this through `azd provision` or `azd up`.');
const displayName = `customer-list-${environmentName}`;

let clientId = environment.AUTH_CLIENT_ID;
if (clientId) {
  if (!tryRun('az', ['ad', 'app', 'show', '--id', clientId, '--query', 'appId', '--output', 'tsv'])) {
    throw new Error(
      `AUTH_CLIENT_ID ${clientId} is not an app registration this tenant knows. Fix it with \`azd env set AUTH_CLIENT_ID <client id>\`, or unset it to create one.`,
    );
  }
  console.log(`Using the app registration ${clientId} (AUTH_CLIENT_ID).`);
} else {
  clientId = tryRun('az', ['ad', 'app', 'list', '--display-name', displayName, '--query', '[0].appId', '--output', 'tsv']) || undefined;
  if (clientId) {
    console.log(`Found the app registration "${displayName}" (${clientId}).`);
  } else {
    const folder = mkdtempSync(join(tmpdir(), 'customer-list-'));
    const rolesFile = join(folder, 'app-roles.json');
    try {
      writeFileSync(
        rolesFile,
        JSON.stringify(appRoles.map((role) => ({ ...role, id: randomUUID(), isEnabled: true, allowedMemberTypes: ['User', 'Application'] }))),
      );
      clientId = run('az', [
        'ad',
        'app',
        'create',
        '--display-name',
        displayName,
        '--sign-in-audience',
        'AzureADMultipleOrgs',
        '--enable-id-token-issuance',
        'true',
        '--app-roles',
        `@${rolesFile}`,
        '--query',
        'appId',
        '--output',
        'tsv',
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    console.log(`Created the app registration "${displayName}" (${clientId}) with the app roles ${appRoles.map((role) => role.value).join(' and ')}.`);
  }
  run('az', ['ad', 'app', 'update', '--id', clientId, '--identifier-uris', `api://${clientId}`]);
  run('azd', ['env', 'set', 'AUTH_CLIENT_ID', clientId]);
}

// The service principal (enterprise application) is where users are assigned app roles.
if (!tryRun('az', ['ad', 'sp', 'show', '--id', clientId, '--query', 'id', '--output', 'tsv'])) {
  run('az', ['ad', 'sp', 'create', '--id', clientId, '--query', 'id', '--output', 'tsv']);
  console.log('Created its enterprise application: assign users Customers.Read or Customers.ReadWrite there.');
}
