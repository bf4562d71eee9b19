// azd preprovision hook. First the preflight (preflight.mjs): does this Azure cloud and region
// offer the chosen hosting plan? If not, it stops here, before anything is created, and says how to
// fix it. Then it makes sure the environment has an Entra app registration for App Service
// Authentication, with the service's two app roles, access tokens v2 and a delegated scope
// (user_impersonation) for API callers, and stores its client id as AUTH_CLIENT_ID
// (main.parameters.json passes it to main.bicep as authClientId). It adopts a registration only by
// that explicit id, never by its display name, which anyone in the tenant could have used.
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
import { FLEX_CONSUMPTION, hostingPreflight, telemetryEntraOnlyFor } from './preflight.mjs';

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

// Preflight: nothing has been created yet.
const cloud = run('az', ['cloud', 'show', '--query', 'name', '--output', 'tsv']);
const hostingPlan = environment.HOSTING_PLAN || FLEX_CONSUMPTION;
const listJson = (args) => JSON.parse(tryRun('az', [...args, '--output', 'json']) || '[]');
const preflight = hostingPreflight({
  cloud,
  location: environment.AZURE_LOCATION,
  hostingPlan,
  regions: listJson(['account', 'list-locations', '--query', '[].name']),
  flexRegions: hostingPlan === FLEX_CONSUMPTION ? listJson(['functionapp', 'list-flexconsumption-locations']) : [],
});
if (!preflight.ok) {
  console.error(preflight.problem);
  process.exit(1);
}
console.log(`Preflight: ${hostingPlan} is offered in ${environment.AZURE_LOCATION} (${cloud}).`);
if (environment.TELEMETRY_ENTRA_ONLY === undefined) run('azd', ['env', 'set', 'TELEMETRY_ENTRA_ONLY', telemetryEntraOnlyFor(cloud)]);

let clientId = environment.AUTH_CLIENT_ID;
if (clientId) {
  if (!tryRun('az', ['ad', 'app', 'show', '--id', clientId, '--query', 'appId', '--output', 'tsv'])) {
    throw new Error(
      `AUTH_CLIENT_ID ${clientId} is not an app registration this tenant knows. Fix it with \`azd env set AUTH_CLIENT_ID <client id>\`, or unset it to create one.`,
    );
  }
  console.log(`Using the app registration ${clientId} (AUTH_CLIENT_ID).`);
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
  // Stored at once, so a later run adopts this registration by its id and creates no other.
  run('azd', ['env', 'set', 'AUTH_CLIENT_ID', clientId]);
  run('az', ['ad', 'app', 'update', '--id', clientId, '--identifier-uris', `api://${clientId}`]);
  exposeApi(clientId);
}

/**
 * Access tokens v2 and one delegated scope, api://<client id>/user_impersonation, so API clients
 * can get bearer tokens for the service (App Service Authentication accepts both audiences).
 */
function exposeApi(appId) {
  const graph = run('az', ['cloud', 'show', '--query', 'endpoints.microsoftGraphResourceId', '--output', 'tsv']).replace(/\/+$/, '');
  const objectId = run('az', ['ad', 'app', 'show', '--id', appId, '--query', 'id', '--output', 'tsv']);
  const folder = mkdtempSync(join(tmpdir(), 'customer-list-'));
  try {
    const body = join(folder, 'api.json');
    writeFileSync(
      body,
      JSON.stringify({
        api: {
          requestedAccessTokenVersion: 2,
          oauth2PermissionScopes: [
            {
              id: randomUUID(),
              value: 'user_impersonation',
              type: 'User',
              isEnabled: true,
              adminConsentDisplayName: 'Use the customer list service',
              adminConsentDescription: "Call the customer list service as the signed-in user, with that user's app roles.",
              userConsentDisplayName: 'Use the customer list service',
              userConsentDescription: 'Call the customer list service as you.',
            },
          ],
        },
      }),
    );
    run('az', [
      'rest',
      '--method',
      'PATCH',
      '--url',
      `${graph}/v1.0/applications/${objectId}`,
      '--headers',
      'Content-Type=application/json',
      '--body',
      `@${body}`,
    ]);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  console.log('Set access tokens v2 and the delegated scope user_impersonation.');
}

// The service principal (enterprise application) is where users are assigned app roles.
if (!tryRun('az', ['ad', 'sp', 'show', '--id', clientId, '--query', 'id', '--output', 'tsv'])) {
  run('az', ['ad', 'sp', 'create', '--id', clientId, '--query', 'id', '--output', 'tsv']);
  console.log('Created its enterprise application: assign users Customers.Read or Customers.ReadWrite there.');
}
