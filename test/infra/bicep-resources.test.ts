/**
 * What the Bicep deploys, read from the syntax tree: the resources, their security options, the
 * app settings the service reads (shared/config.ts), the role assignments and the authentication.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BicepFile,
  callArguments,
  callsOf,
  compact,
  descendants,
  literal,
  modules,
  objectEntries,
  objectLiteralsOf,
  parseAllBicepFiles,
  property,
  propertyValues,
  type ResourceDeclaration,
  resources,
} from './bicep-tree.js';

let files: Map<string, BicepFile>;
let declared: Array<ResourceDeclaration & { file: string }>;

beforeAll(async () => {
  files = await parseAllBicepFiles();
  declared = [...files].flatMap(([path, file]) => resources(file.root).map((resource) => ({ ...resource, file: path })));
});

/** The one non-existing declaration of a resource type. */
function deployed(type: string): ResourceDeclaration & { file: string } {
  const matches = declared.filter((resource) => resource.type === type && !resource.existing);
  expect(
    matches.map((resource) => `${resource.file}:${resource.symbol}`),
    `resources of type ${type}`,
  ).toHaveLength(1);
  return matches[0] as ResourceDeclaration & { file: string };
}

function allDeployed(type: string): Array<ResourceDeclaration & { file: string }> {
  return declared.filter((resource) => resource.type === type && !resource.existing);
}

function value(resource: ResourceDeclaration, path: string) {
  return literal(property(resource.body, path));
}

function file(path: string): BicepFile {
  const found = files.get(path);
  if (!found) throw new Error(`${path} is missing`);
  return found;
}

describe('the function app', () => {
  it('runs on a Flex Consumption plan (FC1, Linux)', () => {
    const plan = deployed('Microsoft.Web/serverfarms');
    expect(value(plan, 'sku.name')).toBe('FC1');
    expect(value(plan, 'sku.tier')).toBe('FlexConsumption');
    expect(value(plan, 'properties.reserved')).toBe(true);
    const app = deployed('Microsoft.Web/sites');
    expect(value(app, 'kind')).toBe('functionapp,linux');
    expect(compact(property(app.body, 'properties.serverFarmId'))).toBe(`${plan.symbol}.id`);
  });

  it('runs Node.js 20 by default, set in functionAppConfig.runtime', () => {
    const app = deployed('Microsoft.Web/sites');
    expect(value(app, 'properties.functionAppConfig.runtime.name')).toBe('node');
    const version = property(app.body, 'properties.functionAppConfig.runtime.version');
    const versionParam = [...files.values()]
      .flatMap((bicep) => bicep.root.namedChildren)
      .find((node) => node?.type === 'parameter_declaration' && node.namedChildren[0]?.text === version?.text && app.file.endsWith('function-app.bicep'));
    expect(versionParam, 'runtime.version is a parameter').toBeDefined();
    expect(literal(versionParam?.namedChildren[versionParam.namedChildCount - 1])).toBe('20');
  });

  it('deploys its package from a blob container with its user-assigned identity', () => {
    const app = deployed('Microsoft.Web/sites');
    expect(value(app, 'properties.functionAppConfig.deployment.storage.type')).toBe('blobContainer');
    expect(compact(property(app.body, 'properties.functionAppConfig.deployment.storage.value'))).toContain('properties.primaryEndpoints.blob');
    expect(value(app, 'properties.functionAppConfig.deployment.storage.authentication.type')).toBe('UserAssignedIdentity');
    expect(value(app, 'identity.type')).toBe('UserAssigned');
    expect(value(app, 'properties.httpsOnly')).toBe(true);
    expect(value(app, 'properties.siteConfig.minTlsVersion')).toBe('1.2');
    expect(value(app, 'properties.siteConfig.ftpsState')).toBe('Disabled');
  });

  it('has publishing passwords (FTP and SCM basic auth) turned off', () => {
    const policies = allDeployed('Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    expect(policies.map((policy) => value(policy, 'name')).sort()).toEqual(['ftp', 'scm']);
    for (const policy of policies) expect(value(policy, 'properties.allow')).toBe(false);
  });

  it('carries the azd-service-name tag of the api service', () => {
    const app = deployed('Microsoft.Web/sites');
    expect(compact(property(app.body, 'tags'))).toContain("'azd-service-name': serviceName");
    const functionAppModule = modules(file('infra/main.bicep').root).find((module) => module.path === 'modules/function-app.bicep');
    expect(literal(property(functionAppModule?.body, 'params.serviceName'))).toBe('api');
  });
});

describe('the app settings', () => {
  function appSettings() {
    const settings = allDeployed('Microsoft.Web/sites/config').find((config) => value(config, 'name') === 'appsettings');
    expect(settings, 'a sites/config appsettings resource').toBeDefined();
    const entries = new Map<string, ReturnType<typeof property>>();
    const properties = property(settings?.body, 'properties');
    for (const object of properties ? objectLiteralsOf(properties) : []) for (const [key, node] of objectEntries(object)) entries.set(key, node);
    return entries;
  }

  it('set every setting the service reads in Azure', () => {
    const settings = appSettings();
    for (const name of [
      'FUNCTIONS_EXTENSION_VERSION',
      'COSMOS_ENDPOINT',
      'COSMOS_DATABASE_NAME',
      'STORAGE__blobServiceUri',
      'STORAGE__queueServiceUri',
      'STORAGE__credential',
      'STORAGE__clientId',
      'AZURE_CLIENT_ID',
      'AZURE_AUTHORITY_HOST',
      'EXPORTS_CONTAINER_NAME',
      'EXPORTS_QUEUE_NAME',
      'EXPORT_FILE_RETENTION_DAYS',
      'ACTIVITY_RETENTION_DAYS',
      'EXPORT_SCHEDULER_CRON',
      'SERVICE_LINK_ADMIN_CENTER',
      'SERVICE_LINK_AZURE_PORTAL',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    ]) {
      expect(settings.has(name), name).toBe(true);
    }
    expect(literal(settings.get('FUNCTIONS_EXTENSION_VERSION'))).toBe('~4');
  });

  it('run Node with the options the export benchmark measured', () => {
    const nodeOptions = literal(appSettings().get('NODE_OPTIONS'));
    expect(nodeOptions).toBe('--max-semi-space-size=32');
    expect(readFileSync(new URL('../../bench/run.ts', import.meta.url), 'utf8')).toContain(`WORKER_NODE_OPTIONS = '${nodeOptions}'`);
    expect(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts.start).toContain(`node ${nodeOptions} `);
  });

  it('connect with the managed identity, never with a key or connection string', () => {
    const settings = appSettings();
    expect(literal(settings.get('STORAGE__credential'))).toBe('managedidentity');
    expect(literal(settings.get('AzureWebJobsStorage__credential'))).toBe('managedidentity');
    for (const name of ['AzureWebJobsStorage__clientId', 'STORAGE__clientId', 'AZURE_CLIENT_ID']) {
      expect(compact(settings.get(name)), name).toBe('identity.properties.clientId');
    }
    expect(compact(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING'))).toContain('Authorization=AAD');
    for (const name of settings.keys()) {
      expect(name, 'no key settings').not.toMatch(/KEY|PASSWORD|SECRET/i);
      if (name !== 'APPLICATIONINSIGHTS_CONNECTION_STRING') expect(name).not.toMatch(/CONNECTION_STRING/i);
    }
    expect(settings.has('AzureWebJobsStorage'), 'no AzureWebJobsStorage connection string').toBe(false);
    expect(settings.has('COSMOS_KEY')).toBe(false);
    for (const bicep of files.values()) expect(callsOf(bicep.root, 'listKeys'), `${bicep.path} lists no keys`).toEqual([]);
  });

  it('take every endpoint from the resources or environment(), so national clouds work', () => {
    const settings = appSettings();
    expect(compact(settings.get('STORAGE__blobServiceUri'))).toBe('storage.properties.primaryEndpoints.blob');
    expect(compact(settings.get('STORAGE__queueServiceUri'))).toBe('storage.properties.primaryEndpoints.queue');
    expect(compact(settings.get('AzureWebJobsStorage__blobServiceUri'))).toBe('storage.properties.primaryEndpoints.blob');
    expect(compact(settings.get('AzureWebJobsStorage__queueServiceUri'))).toBe('storage.properties.primaryEndpoints.queue');
    expect(compact(settings.get('COSMOS_ENDPOINT'))).toBe('cosmos.properties.documentEndpoint');
    expect(compact(settings.get('AZURE_AUTHORITY_HOST'))).toBe('environment().authentication.loginEndpoint');
  });

  it('leave the runtime to functionAppConfig (FUNCTIONS_WORKER_RUNTIME is not allowed on Flex Consumption)', () => {
    expect(appSettings().has('FUNCTIONS_WORKER_RUNTIME')).toBe(false);
  });

  it('use the same retention parameters as the lifecycle rule and the activity TTL', () => {
    const main = file('infra/main.bicep');
    const byPath = new Map(modules(main.root).map((module) => [module.path, module.body]));
    expect(compact(property(byPath.get('modules/function-app.bicep'), 'params.exportFileRetentionDays'))).toBe('exportFileRetentionDays');
    expect(compact(property(byPath.get('modules/storage.bicep'), 'params.exportFileRetentionDays'))).toBe('exportFileRetentionDays');
    expect(compact(property(byPath.get('modules/function-app.bicep'), 'params.activityRetentionDays'))).toBe('activityRetentionDays');
    expect(compact(property(byPath.get('modules/cosmos.bicep'), 'params.activityRetentionDays'))).toBe('activityRetentionDays');
  });

  it("default the Azure portal quick link to this cloud's portal", () => {
    const portalParam = file('infra/main.bicep').root.namedChildren.find(
      (node) => node?.type === 'parameter_declaration' && node.namedChildren[0]?.text === 'serviceLinkAzurePortal',
    );
    expect(compact(portalParam?.namedChildren[portalParam.namedChildCount - 1])).toContain('environment().portal');
  });
});

describe('the storage account', () => {
  it('allows no shared keys, no public blobs and nothing below TLS 1.2', () => {
    const storage = deployed('Microsoft.Storage/storageAccounts');
    expect(value(storage, 'properties.allowSharedKeyAccess')).toBe(false);
    expect(value(storage, 'properties.allowBlobPublicAccess')).toBe(false);
    expect(value(storage, 'properties.minimumTlsVersion')).toBe('TLS1_2');
    expect(value(storage, 'properties.supportsHttpsTrafficOnly')).toBe(true);
    expect(value(storage, 'properties.defaultToOAuthAuthentication')).toBe(true);
  });

  it('has private containers for exports and the deployment package', () => {
    const containers = allDeployed('Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(containers.map((container) => compact(property(container.body, 'name'))).sort()).toEqual(['deploymentContainerName', 'exportsContainerName']);
    for (const container of containers) expect(value(container, 'properties.publicAccess')).toBe('None');
  });

  it('has the exports queue and its poison queue', () => {
    const queues = allDeployed('Microsoft.Storage/storageAccounts/queueServices/queues');
    expect(queues.map((queue) => compact(property(queue.body, 'name'))).sort()).toEqual(["'${exportsQueueName}-poison'", 'exportsQueueName']);
  });

  it('deletes export files older than the retention with a lifecycle rule', () => {
    const policy = deployed('Microsoft.Storage/storageAccounts/managementPolicies');
    expect(value(policy, 'name')).toBe('default');
    const rules = property(policy.body, 'properties.policy.rules');
    const rule = rules?.namedChildren.find((node) => node?.type === 'object');
    expect(literal(property(rule, 'enabled'))).toBe(true);
    expect(literal(property(rule, 'type'))).toBe('Lifecycle');
    expect(compact(property(rule, 'definition.filters.prefixMatch'))).toContain('${exportsContainer.name}/');
    expect(compact(property(rule, 'definition.actions.baseBlob.delete.daysAfterModificationGreaterThan'))).toBe('exportFileRetentionDays');
  });
});

describe('Cosmos DB', () => {
  it('is serverless by default, autoscale by parameter, with local (key) auth disabled', () => {
    const account = deployed('Microsoft.DocumentDB/databaseAccounts');
    expect(value(account, 'properties.disableLocalAuth')).toBe(true);
    expect(value(account, 'properties.disableKeyBasedMetadataWriteAccess')).toBe(true);
    expect(value(account, 'properties.minimalTlsVersion')).toBe('Tls12');
    expect(compact(property(account.body, 'properties.capabilities'))).toContain("name: 'EnableServerless'");
    const cosmos = file('infra/modules/cosmos.bicep');
    const mode = cosmos.root.namedChildren.find((node) => node?.type === 'parameter_declaration' && node.namedChildren[0]?.text === 'capacityMode');
    expect(literal(mode?.namedChildren[mode.namedChildCount - 1])).toBe('Serverless');
    const database = deployed('Microsoft.DocumentDB/databaseAccounts/sqlDatabases');
    expect(compact(property(database.body, 'properties.options'))).toContain('autoscaleSettings: { maxThroughput: autoscaleMaxThroughput }');
  });

  it('creates the database and containers from cosmos-containers.json, with the activity TTL from the retention', () => {
    const cosmos = file('infra/modules/cosmos.bicep');
    const loads = callsOf(cosmos.root, 'loadJsonContent').map((call) => literal(callArguments(call)[0]));
    expect(loads).toEqual(['../cosmos-containers.json']);
    const containers = deployed('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
    expect(containers.loop).toBe(true);
    expect(compact(containers.loopSource)).toBe('containerFile.containers');
    const resource = property(containers.body, 'properties.resource');
    expect(compact(property(resource, 'partitionKey.paths'))).toBe('[ container.partitionKeyPath ]');
    expect(compact(property(resource, 'indexingPolicy'))).toBe('container.indexingPolicy');
    expect(propertyValues(resource, 'defaultTtl').map(compact)).toEqual(['activityRetentionDays * secondsPerDay', 'container.defaultTtl']);
    const activityChoice = descendants(containers.body, 'ternary_expression').find(
      (ternary) => compact(ternary.namedChildren[0]) === "container.name == 'activity'",
    );
    expect(compact(activityChoice?.namedChildren[1])).toBe('{ defaultTtl: activityRetentionDays * secondsPerDay }');
    expect(compact(property(deployed('Microsoft.DocumentDB/databaseAccounts/sqlDatabases').body, 'name'))).toBe('containerFile.databaseName');
  });
});

describe('monitoring', () => {
  it('has Application Insights on a Log Analytics workspace, accepting only Entra-authenticated telemetry', () => {
    const workspace = deployed('Microsoft.OperationalInsights/workspaces');
    const insights = deployed('Microsoft.Insights/components');
    expect(compact(property(insights.body, 'properties.WorkspaceResourceId'))).toBe(`${workspace.symbol}.id`);
    expect(value(insights, 'properties.DisableLocalAuth')).toBe(true);
  });
});

describe('identity and role assignments', () => {
  const roleIds = {
    storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
    monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
    cosmosDataContributor: '00000000-0000-0000-0000-000000000002',
  };

  it('the app runs as a user-assigned managed identity', () => {
    deployed('Microsoft.ManagedIdentity/userAssignedIdentities');
  });

  it('grants exactly the least-privilege roles, with known built-in role ids', () => {
    const main = file('infra/main.bicep');
    const roles = main.root.namedChildren.find((node) => node?.type === 'variable_declaration' && node.namedChildren[0]?.text === 'roles');
    const entries = objectEntries(roles?.namedChildren[roles.namedChildCount - 1]);
    expect(Object.fromEntries([...entries].map(([key, node]) => [key, literal(node)]))).toEqual(roleIds);
    const granted = ['dataRoles', 'telemetryRole'].flatMap((name) => {
      const declaration = main.root.namedChildren.find((node) => node?.type === 'variable_declaration' && node.namedChildren[0]?.text === name);
      const valueNode = declaration?.namedChildren[declaration.namedChildCount - 1];
      const objects = valueNode?.type === 'array' ? valueNode.namedChildren.filter((node) => node?.type === 'object') : [valueNode];
      return objects.map((object) => ({
        target: literal(property(object ?? undefined, 'target')),
        role: compact(property(object ?? undefined, 'roleDefinitionId')),
      }));
    });
    expect(granted).toEqual([
      { target: 'storage', role: 'roles.storageBlobDataContributor' },
      { target: 'storage', role: 'roles.storageQueueDataContributor' },
      { target: 'storage', role: 'roles.storageBlobDelegator' },
      { target: 'cosmos', role: 'roles.cosmosDataContributor' },
      { target: 'monitoring', role: 'roles.monitoringMetricsPublisher' },
    ]);
    for (const bicep of files.values()) {
      expect(bicep.source, `${bicep.path} grants no Owner or Contributor`).not.toMatch(
        /8e3af657-a8ff-443c-a75c-2fe8c4bcb635|b24988ac-6180-42a0-ab88-20f7382dd24c|b7e6dc6d-f1e8-4753-8033-0f276bb0955b/,
      );
    }
  });

  it('makes every assignment from one typed list, named guid(scope, principal, role), with a principal type', () => {
    const module = file('infra/modules/role-assignments.bicep');
    const param = module.root.namedChildren.find((node) => node?.type === 'parameter_declaration' && node.namedChildren[0]?.text === 'roleAssignments');
    expect(compact(param?.namedChildren[1])).toBe('roleAssignmentType[]');
    const rbac = allDeployed('Microsoft.Authorization/roleAssignments');
    const cosmos = allDeployed('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
    expect(rbac.length).toBe(2);
    expect(cosmos.length).toBe(1);
    for (const assignment of [...rbac, ...cosmos]) {
      expect(assignment.file).toBe('infra/modules/role-assignments.bicep');
      expect(assignment.loop).toBe(true);
      expect(compact(assignment.loopSource)).toMatch(/^(storage|monitoring|cosmos)Grants$/);
      expect(compact(property(assignment.body, 'name'))).toMatch(/^guid\(\w+(::\w+)?\.id, grant\.principalId, grant\.roleDefinitionId\)$/);
      expect(compact(property(assignment.body, 'properties.principalId'))).toBe('grant.principalId');
    }
    for (const assignment of rbac) {
      expect(compact(property(assignment.body, 'properties.principalType'))).toBe('grant.principalType');
      const scope = compact(property(assignment.body, 'scope'));
      expect(compact(property(assignment.body, 'name'))).toContain(`guid(${scope}.id,`);
    }
    // Cosmos data-plane access is limited to the service's database.
    expect(compact(property(cosmos[0]?.body, 'properties.scope'))).toBe("'${cosmos.id}/dbs/${cosmos::database.name}'");
    expect(compact(property(cosmos[0]?.body, 'parent'))).toBe('cosmos');
  });

  it('grants the app identity every role and the deploying user the data roles, when azd passes one', () => {
    const main = file('infra/main.bicep');
    const roleModule = modules(main.root).find((module) => module.path === 'modules/role-assignments.bicep');
    const list = compact(property(roleModule?.body, 'params.roleAssignments'));
    expect(list).toContain("grant(role, identity.outputs.principalId, 'ServicePrincipal')");
    expect(list).toContain('empty(principalId) ? [] : map(dataRoles, role => grant(role, principalId, principalType))');
  });
});

describe('App Service Authentication', () => {
  function authSettings() {
    const settings = allDeployed('Microsoft.Web/sites/config').find((config) => value(config, 'name') === 'authsettingsV2');
    expect(settings, 'a sites/config authsettingsV2 resource').toBeDefined();
    return settings as ResourceDeclaration;
  }

  it('requires Entra ID sign-in for everything but the health check and the OpenAPI document', async () => {
    const auth = authSettings();
    expect(value(auth, 'properties.platform.enabled')).toBe(true);
    expect(value(auth, 'properties.globalValidation.requireAuthentication')).toBe(true);
    expect(value(auth, 'properties.globalValidation.redirectToProvider')).toBe('azureactivedirectory');
    expect(value(auth, 'properties.identityProviders.azureActiveDirectory.enabled')).toBe(true);
    expect(compact(property(auth.body, 'properties.globalValidation.excludedPaths'))).toBe('anonymousPaths');
    const module = file('infra/modules/app-auth.bicep');
    const paths = module.root.namedChildren.find((node) => node?.type === 'parameter_declaration' && node.namedChildren[0]?.text === 'anonymousPaths');
    const defaults = paths?.namedChildren[paths.namedChildCount - 1]?.namedChildren.map((node) => literal(node ?? undefined));
    expect(defaults).toEqual(['/api/health', '/api/openapi.json']);
    expect(value(auth, 'properties.httpSettings.requireHttps')).toBe(true);
  });

  it("trusts this cloud's sign-in authority and the app registration azd passes in", () => {
    const auth = authSettings();
    expect(compact(property(auth.body, 'properties.identityProviders.azureActiveDirectory.registration.openIdIssuer'))).toBe(
      "'${environment().authentication.loginEndpoint}${issuerTenant}/v2.0'",
    );
    expect(compact(property(auth.body, 'properties.identityProviders.azureActiveDirectory.registration.clientId'))).toBe('clientId');
    expect(property(auth.body, 'properties.identityProviders.azureActiveDirectory.registration.clientSecretSettingName')).toBeUndefined();
    const main = file('infra/main.bicep');
    const authModule = modules(main.root).find((module) => module.path === 'modules/app-auth.bicep');
    expect(compact(property(authModule?.body, 'params.clientId'))).toBe('authClientId');
  });
});
