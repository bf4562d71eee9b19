/**
 * What infra/ deploys, read from what the real Bicep compiler produces: the ARM templates of every
 * file (bicep build) and, for each cloud profile, the dry run (infra/profiles/<profile>.bicepparam:
 * bicep build-params and bicep snapshot, the resources ARM would deploy with those parameters,
 * evaluated offline; values only Azure knows stay ARM expressions such as reference(...)). The
 * dry runs are written to test/artifacts/arm/<profile>/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import containerFile from '../../infra/cosmos-containers.json' with { type: 'json' };
import { containerDefinitions } from '../../shared/store/bootstrap.js';
import {
  type ArmResource,
  type ArmTemplate,
  artifactsDir,
  type BicepRun,
  bicepFiles,
  buildAll,
  type DryRun,
  dryRun,
  dryRunSubscriptionId,
  infraDir,
  type PredictedResource,
  profiles,
  repoRoot,
  templateResources,
} from './bicep.js';

let build: { run: BicepRun; templates: Map<string, ArmTemplate> };
const dryRuns = new Map<string, DryRun>();

beforeAll(async () => {
  const [built, ...runs] = await Promise.all([buildAll(), ...profiles.map((profile) => dryRun(profile))]);
  build = built;
  for (const run of runs) dryRuns.set(run.profile, run);
});

const failing = (diagnostic: { level: string }) => diagnostic.level !== 'Info';

function template(path: string): ArmTemplate {
  const found = build.templates.get(path);
  if (!found) throw new Error(`${path} did not compile`);
  return found;
}

const main = () => template('infra/main.bicep');

function publicRun(): DryRun {
  const found = dryRuns.get('public');
  if (!found) throw new Error('no dry run of the public profile');
  return found;
}

/** The resources of the public dry run of one type. */
function allDeployed(type: string, run = publicRun()): PredictedResource[] {
  return run.snapshot.predictedResources.filter((resource) => resource.type === type);
}

/** The one resource of a type in the public dry run. */
function deployed(type: string, run = publicRun()): PredictedResource {
  const matches = allDeployed(type, run);
  expect(
    matches.map((resource) => resource.name),
    `resources of type ${type}`,
  ).toHaveLength(1);
  return matches[0] as PredictedResource;
}

function siteConfig(name: string, run = publicRun()): Record<string, any> {
  const config = allDeployed('Microsoft.Web/sites/config', run).find((resource) => resource.name.endsWith(`/${name}`));
  expect(config, `a sites/config ${name}`).toBeDefined();
  return config?.properties ?? {};
}

/** Every resource declared in a template and the modules nested in it (existing ones too). */
function declaredResources(root: ArmTemplate): ArmResource[] {
  return templateResources(root).flatMap(([, resource]) => [
    resource,
    ...(resource.type === 'Microsoft.Resources/deployments' && resource.properties?.template ? declaredResources(resource.properties.template) : []),
  ]);
}

describe('the compiled templates', () => {
  it('every Bicep file builds with no errors and no warnings', () => {
    expect(build.run.diagnostics.filter(failing)).toEqual([]);
    expect(build.run.status, build.run.stderr).toBe(0);
    expect([...build.templates.keys()]).toEqual(bicepFiles());
  });

  it.each(profiles)('the %s dry run compiles with its parameter file and predicts every resource, written to test/artifacts/arm', (profile) => {
    const run = dryRuns.get(profile) as DryRun;
    expect(run.diagnostics.filter(failing)).toEqual([]);
    expect(run.status).toEqual({ buildParams: 0, snapshot: 0 });
    expect(run.snapshot.diagnostics).toEqual([]);
    expect(run.template.$schema).toContain('subscriptionDeploymentTemplate.json');
    const source = readFileSync(join(infraDir, 'profiles', `${profile}.bicepparam`), 'utf8');
    const set = [...source.matchAll(/^param (\w+) = /gm)].map((match) => match[1] ?? '');
    expect(Object.keys(run.parameters.parameters).sort()).toEqual([...set].sort());
    const location = run.parameters.parameters.location?.value;
    expect(run.snapshot.predictedResources.map((resource) => resource.type)).toEqual(
      expect.arrayContaining([
        'Microsoft.Resources/resourceGroups',
        'Microsoft.Web/sites',
        'Microsoft.DocumentDB/databaseAccounts',
        'Microsoft.Storage/storageAccounts',
      ]),
    );
    for (const resource of run.snapshot.predictedResources) {
      // Action groups are global resources; everything else is in the chosen region.
      if (resource.location !== undefined && resource.type !== 'Microsoft.Insights/actionGroups')
        expect(resource.location, `${resource.type} ${resource.name}`).toBe(location);
    }
    for (const file of ['main.json', 'main.parameters.json', 'snapshot.json']) expect(existsSync(join(artifactsDir, profile, file)), file).toBe(true);
  });
});

describe('Bicep conventions', () => {
  it('every parameter is described, starting with Required. or Optional. as its default says', () => {
    for (const [path, compiled] of build.templates) {
      for (const [name, parameter] of Object.entries(compiled.parameters ?? {})) {
        const description = parameter.metadata?.description;
        expect(description, `${path}: param ${name}`).toMatch(/^(Required|Optional)\. \S/);
        const optional = 'defaultValue' in parameter || parameter.nullable === true;
        expect(description?.startsWith(optional ? 'Optional.' : 'Required.'), `${path}: param ${name} is ${optional ? 'optional' : 'required'}`).toBe(true);
      }
    }
  });

  it('every output, type and function is described', () => {
    for (const [path, compiled] of build.templates) {
      for (const [name, output] of Object.entries(compiled.outputs ?? {})) expect(output.metadata?.description, `${path}: output ${name}`).toMatch(/\S/);
      for (const [name, definition] of Object.entries(compiled.definitions ?? {}))
        expect(definition.metadata?.description, `${path}: type ${name}`).toMatch(/\S/);
      for (const namespace of compiled.functions ?? []) {
        for (const [name, member] of Object.entries(namespace.members)) expect(member.metadata?.description, `${path}: func ${name}`).toMatch(/\S/);
      }
    }
  });

  it('main.bicep deploys at subscription scope and outputs UPPER_SNAKE names for azd; modules output lowerCamelCase', () => {
    expect(main().$schema).toContain('subscriptionDeploymentTemplate.json');
    for (const name of Object.keys(main().outputs ?? {})) expect(name).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    for (const [path, compiled] of build.templates) {
      if (path === 'infra/main.bicep') continue;
      for (const name of Object.keys(compiled.outputs ?? {})) expect(name, path).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    }
  });

  it('main.bicep declares only the resource group; every other resource is in a module, and every module file is used', () => {
    const resources = templateResources(main()).map(([, resource]) => resource);
    expect(resources.filter((resource) => resource.type !== 'Microsoft.Resources/deployments').map((resource) => resource.type)).toEqual([
      'Microsoft.Resources/resourceGroups',
    ]);
    const moduleFiles = [...build.templates.keys()].filter((path) => path.startsWith('infra/modules/'));
    const used = resources
      .filter((resource) => resource.type === 'Microsoft.Resources/deployments')
      .map((deployment) => {
        const nested = JSON.stringify(deployment.properties?.template);
        return moduleFiles.find((path) => JSON.stringify(template(path)) === nested) ?? `unknown module ${deployment.name}`;
      });
    expect([...new Set(used)].sort()).toEqual(moduleFiles.sort());
  });

  it('names resources from abbreviations.json and one resource token per environment and region', () => {
    const abbreviations = Object.values(JSON.parse(readFileSync(join(infraDir, 'abbreviations.json'), 'utf8')) as Record<string, string>);
    const tokens = new Set<string>();
    for (const run of dryRuns.values()) {
      const environmentName = run.parameters.parameters.environmentName?.value;
      const topLevel = run.snapshot.predictedResources.filter(
        // Role assignments and workbooks are named by GUID, as Azure requires.
        (resource) =>
          resource.type.split('/').length === 2 && !resource.type.startsWith('Microsoft.Authorization/') && resource.type !== 'Microsoft.Insights/workbooks',
      );
      const group = topLevel.find((resource) => resource.type === 'Microsoft.Resources/resourceGroups');
      expect(group?.name).toBe(`rg-${environmentName}`);
      expect(group?.tags).toEqual({ 'azd-env-name': environmentName });
      const runTokens = new Set<string>();
      for (const resource of topLevel) {
        if (resource === group) continue;
        const prefix = abbreviations.find((abbreviation) => resource.name.startsWith(abbreviation));
        expect(prefix, `${resource.type} ${resource.name}`).toBeDefined();
        const token = /([a-z0-9]{13})(?:-[a-z0-9-]+)?$/.exec(resource.name)?.[1];
        expect(token, resource.name).toBeDefined();
        runTokens.add(token ?? '');
        expect(resource.tags?.['azd-env-name'], resource.name).toBe(environmentName);
      }
      expect([...runTokens], run.profile).toHaveLength(1);
      tokens.add([...runTokens][0] ?? '');
    }
    expect(tokens.size, 'each environment and region has its own token').toBe(dryRuns.size);
  });

  it('uses API versions from 2022 or later, and the same version for a type everywhere', () => {
    const versions = new Map<string, Set<string>>();
    for (const resource of declaredResources(main())) {
      if (resource.type === 'Microsoft.Resources/deployments') continue;
      const version = resource.apiVersion ?? '';
      expect(version, resource.type).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // Application Insights components have no GA version newer than 2020-02-02.
      if (resource.type !== 'Microsoft.Insights/components') expect(version >= '2022-01-01', `${resource.type}@${version}`).toBe(true);
      const topLevelType = resource.type.split('/').slice(0, 2).join('/');
      versions.set(topLevelType, (versions.get(topLevelType) ?? new Set()).add(version));
    }
    for (const [type, seen] of versions) {
      if (type !== 'Microsoft.Authorization/roleAssignments') expect([...seen], type).toHaveLength(1);
    }
  });

  it('refers to resources with parent: and existing, not resourceId() strings', () => {
    for (const path of bicepFiles()) {
      const code = readFileSync(join(repoRoot, path), 'utf8')
        .split('\n')
        .filter((line) => !line.trim().startsWith('//'))
        .join('\n');
      expect(code, path).not.toMatch(/\b(resourceId|extensionResourceId|tenantResourceId)\(/);
      // subscriptionResourceId only names built-in role definitions, which are no resource of ours.
      for (const call of code.matchAll(/subscriptionResourceId\(([^)]*)\)/g)) expect(call[1], path).toContain("'Microsoft.Authorization/roleDefinitions'");
    }
  });

  it('secrets stay out: no secure parameters with defaults, no keys listed, no secrets in outputs', () => {
    for (const [path, compiled] of build.templates) {
      for (const [name, parameter] of Object.entries(compiled.parameters ?? {})) {
        if (parameter.type === 'securestring' || parameter.type === 'secureObject') expect('defaultValue' in parameter, `${path}: ${name}`).toBe(false);
      }
      for (const [name, output] of Object.entries(compiled.outputs ?? {})) {
        expect(name, path).not.toMatch(/key|secret|password|connectionstring/i);
        expect(JSON.stringify(output.value ?? ''), `${path}: output ${name}`).not.toMatch(/list\w*\(|ConnectionString|primaryKey|Keys?\b/);
      }
      expect(JSON.stringify(compiled), `${path} lists no keys`).not.toMatch(/listKeys|listConnectionStrings/);
    }
  });
});

describe('azd', () => {
  it('azure.yaml deploys the api service as a TypeScript function app and runs the hooks', () => {
    // No YAML parser is installed; azure.yaml is small and flat enough to read line by line.
    const yaml = readFileSync(join(repoRoot, 'azure.yaml'), 'utf8');
    expect(yaml).toMatch(/^services:\n {2}api:\n(?: {4}.+\n)*? {4}language: ts\n/m);
    expect(yaml).toMatch(/^ {4}host: function$/m);
    expect(yaml).toMatch(/^ {4}project: \.$/m);
    expect(yaml).toMatch(/^ {2}preprovision:$/m);
    expect(yaml).toMatch(/^ {2}postprovision:$/m);
    for (const hook of yaml.matchAll(/run: node (\S+)/g)) expect(() => readFileSync(join(repoRoot, hook[1] ?? ''))).not.toThrow();
  });

  it('main.parameters.json passes azd environment variables to parameters main.bicep declares', () => {
    const parameters = JSON.parse(readFileSync(join(infraDir, 'main.parameters.json'), 'utf8')) as { parameters: Record<string, { value: string }> };
    const declared = main().parameters ?? {};
    for (const [name, { value }] of Object.entries(parameters.parameters)) {
      expect(Object.keys(declared), `main.bicep declares ${name}`).toContain(name);
      expect(value, name).toMatch(/^\$\{[A-Z][A-Z0-9_]*(=[^}]*)?\}$/);
    }
    expect(parameters.parameters.environmentName?.value).toBe('${AZURE_ENV_NAME}');
    expect(parameters.parameters.location?.value).toBe('${AZURE_LOCATION}');
    expect(parameters.parameters.authClientId?.value).toBe('${AUTH_CLIENT_ID}');
    for (const [name, parameter] of Object.entries(declared)) {
      if (!('defaultValue' in parameter) && !parameter.nullable) expect(Object.keys(parameters.parameters), `required param ${name} is mapped`).toContain(name);
    }
  });

  it('the postprovision hook and the Dedicated deployment read only outputs main.bicep declares', () => {
    const outputs = new Set(Object.keys(main().outputs ?? {}));
    const inputs = new Set(['AUTH_CLIENT_ID', 'AZURE_ENV_NAME']);
    for (const file of ['infra/hooks/postprovision.mjs', 'infra/hooks/local-settings.mjs', 'infra/hooks/deploy-dedicated.mjs']) {
      const hook = readFileSync(join(repoRoot, file), 'utf8');
      for (const used of hook.matchAll(/environment\.([A-Z][A-Z0-9_]*)/g)) {
        const name = used[1] ?? '';
        expect(outputs.has(name) || inputs.has(name), `${file}: ${name}`).toBe(true);
      }
    }
  });

  it('every top-level main.bicep output is a plain value azd can store', () => {
    for (const [name, output] of Object.entries(main().outputs ?? {})) expect(['string', 'int', 'bool'], name).toContain(output.type);
  });
});

describe('the function app', () => {
  it('runs on a Flex Consumption plan (FC1, Linux)', () => {
    const plan = deployed('Microsoft.Web/serverfarms');
    expect(plan.sku).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
    expect(plan.properties?.reserved).toBe(true);
    const app = deployed('Microsoft.Web/sites');
    expect(app.kind).toBe('functionapp,linux');
    expect(app.properties?.serverFarmId).toBe(plan.id);
    expect(app.properties?.httpsOnly).toBe(true);
  });

  it('runs Node.js 22, set in functionAppConfig.runtime, with no ftpsState or FUNCTIONS_EXTENSION_VERSION (Flex Consumption rejects or ignores them)', () => {
    const app = deployed('Microsoft.Web/sites');
    expect(app.properties?.functionAppConfig.runtime).toEqual({ name: 'node', version: '22' });
    expect(main().parameters?.nodeVersion?.defaultValue).toBe('22');
    expect(app.properties?.siteConfig).not.toHaveProperty('ftpsState');
    expect(app.properties?.siteConfig).toMatchObject({ minTlsVersion: '1.2', scmMinTlsVersion: '1.2' });
    const settings = siteConfig('appsettings');
    expect(settings).not.toHaveProperty('FUNCTIONS_EXTENSION_VERSION');
    expect(settings).not.toHaveProperty('FUNCTIONS_WORKER_RUNTIME');
  });

  it('deploys its package from a blob container with its user-assigned identity', () => {
    const app = deployed('Microsoft.Web/sites');
    const identity = deployed('Microsoft.ManagedIdentity/userAssignedIdentities');
    const storage = deployed('Microsoft.Storage/storageAccounts');
    const packageContainer = allDeployed('Microsoft.Storage/storageAccounts/blobServices/containers').find((container) =>
      container.name.includes('/app-package-'),
    );
    const deployment = app.properties?.functionAppConfig.deployment.storage;
    expect(deployment.type).toBe('blobContainer');
    expect(deployment.value).toContain(`reference('${storage.id}'`);
    expect(deployment.value).toContain('.primaryEndpoints.blob');
    expect(deployment.value).toContain(`'${packageContainer?.name.split('/').pop()}'`);
    expect(deployment.authentication).toEqual({ type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id });
    expect(app.identity).toEqual({ type: 'UserAssigned', userAssignedIdentities: { [identity.id]: {} } });
  });

  it('allows no publishing passwords (FTP and SCM basic authentication off)', () => {
    const policies = allDeployed('Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    expect(policies.map((policy) => policy.name.split('/').pop()).sort()).toEqual(['ftp', 'scm']);
    for (const policy of policies) expect(policy.properties).toEqual({ allow: false });
  });

  it('on the Dedicated plan (the US Government profile): a Linux App Service plan running Node.js 22 from a package blob the identity reads, with no Azure Files and no keys', () => {
    const run = dryRuns.get('usgovernment') as DryRun;
    const plan = deployed('Microsoft.Web/serverfarms', run);
    expect(plan.sku).toEqual({ name: 'B1' });
    expect(plan.kind).toBe('linux');
    expect(plan.properties?.reserved).toBe(true);
    const app = deployed('Microsoft.Web/sites', run);
    const identity = deployed('Microsoft.ManagedIdentity/userAssignedIdentities', run);
    const storage = deployed('Microsoft.Storage/storageAccounts', run);
    expect(app.kind).toBe('functionapp,linux');
    expect(app.properties?.serverFarmId).toBe(plan.id);
    expect(app.properties).not.toHaveProperty('functionAppConfig');
    expect(app.properties?.siteConfig).toMatchObject({ linuxFxVersion: 'Node|22', alwaysOn: true, ftpsState: 'Disabled', minTlsVersion: '1.2' });
    const settings = siteConfig('appsettings', run);
    expect(settings.FUNCTIONS_EXTENSION_VERSION).toBe('~4');
    expect(settings.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    const packageContainer = allDeployed('Microsoft.Storage/storageAccounts/blobServices/containers', run)
      .map((container) => container.name.split('/').pop() ?? '')
      .find((name) => name.startsWith('app-package-'));
    expect(settings.WEBSITE_RUN_FROM_PACKAGE).toBe(
      `[format('{0}/{1}', format('{0}{1}', reference('${storage.id}', '2025-01-01').primaryEndpoints.blob, '${packageContainer}'), 'api.zip')]`,
    );
    expect(settings.WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID).toBe(identity.id);
    for (const name of ['AzureWebJobsStorage', 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING', 'WEBSITE_CONTENTSHARE'])
      expect(settings, name).not.toHaveProperty(name);
    expect(settings.AzureWebJobsStorage__credential).toBe('managedidentity');
    expect(allDeployed('Microsoft.Web/sites/basicPublishingCredentialsPolicies', run).map((policy) => policy.properties)).toEqual([
      { allow: false },
      { allow: false },
    ]);
  });

  it('carries the azd-service-name tag of the api service', () => {
    expect(deployed('Microsoft.Web/sites').tags?.['azd-service-name']).toBe('api');
  });

  it('starts only after its role assignments, so its first start gets no 403s', () => {
    const resources = main().resources as Record<string, ArmResource>;
    expect(resources.functionApp?.dependsOn).toContain('roleAssignments');
    expect(resources.roleAssignments?.dependsOn).toEqual(expect.arrayContaining(['identity', 'storage', 'cosmos', 'monitoring']));
  });
});

describe('the app settings', () => {
  it('set every setting the service reads in Azure', () => {
    const settings = siteConfig('appsettings');
    for (const name of [
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
      'SERVICE_LINK_AZURE_PORTAL',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    ]) {
      expect(settings, name).toHaveProperty([name]);
    }
    expect(settings.COSMOS_DATABASE_NAME).toBe(containerFile.databaseName);
    expect(settings.EXPORTS_CONTAINER_NAME).toBe('exports');
    expect(settings.EXPORTS_QUEUE_NAME).toBe('exports');
    // Empty in the public profile: the app's own default (the public cloud's admin center).
    expect(settings).not.toHaveProperty('SERVICE_LINK_ADMIN_CENTER');
    const usgov = siteConfig('appsettings', dryRuns.get('usgovernment'));
    expect(usgov.SERVICE_LINK_ADMIN_CENTER).toMatch(/\{customerId\}/);
  });

  it('run Node with the options the export benchmark measured', () => {
    const nodeOptions = siteConfig('appsettings').NODE_OPTIONS;
    expect(nodeOptions).toBe('--max-semi-space-size=32');
    expect(readFileSync(join(repoRoot, 'bench/run.ts'), 'utf8')).toContain(`WORKER_NODE_OPTIONS = '${nodeOptions}'`);
    expect(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.start).toContain(`node ${nodeOptions} `);
  });

  it('connect with the managed identity, never with a key or connection string', () => {
    const settings = siteConfig('appsettings');
    const identity = deployed('Microsoft.ManagedIdentity/userAssignedIdentities');
    const clientId = `[reference('${identity.id}', '2024-11-30').clientId]`;
    expect(settings.STORAGE__credential).toBe('managedidentity');
    expect(settings.AzureWebJobsStorage__credential).toBe('managedidentity');
    for (const name of ['AzureWebJobsStorage__clientId', 'STORAGE__clientId', 'AZURE_CLIENT_ID']) expect(settings[name], name).toBe(clientId);
    expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toContain('Authorization=AAD');
    for (const name of Object.keys(settings)) {
      expect(name, 'no key settings').not.toMatch(/KEY|PASSWORD|SECRET/i);
      if (name !== 'APPLICATIONINSIGHTS_CONNECTION_STRING') expect(name).not.toMatch(/CONNECTION_STRING/i);
    }
    expect(settings).not.toHaveProperty('AzureWebJobsStorage');
    expect(settings).not.toHaveProperty('COSMOS_KEY');
  });

  it('take every endpoint from the resources or environment(), so national clouds work', () => {
    const settings = siteConfig('appsettings');
    const storage = deployed('Microsoft.Storage/storageAccounts');
    const cosmos = deployed('Microsoft.DocumentDB/databaseAccounts');
    const blob = `[reference('${storage.id}', '2025-01-01').primaryEndpoints.blob]`;
    const queue = `[reference('${storage.id}', '2025-01-01').primaryEndpoints.queue]`;
    expect(settings.STORAGE__blobServiceUri).toBe(blob);
    expect(settings.STORAGE__queueServiceUri).toBe(queue);
    expect(settings.AzureWebJobsStorage__blobServiceUri).toBe(blob);
    expect(settings.AzureWebJobsStorage__queueServiceUri).toBe(queue);
    expect(settings.COSMOS_ENDPOINT).toBe(`[reference('${cosmos.id}', '2025-04-15').documentEndpoint]`);
    expect(settings.AZURE_AUTHORITY_HOST).toBe('[environment().authentication.loginEndpoint]');
    expect(settings.SERVICE_LINK_AZURE_PORTAL).toContain('environment().portal');
  });

  it('use the same retention as the lifecycle rule and the activity TTL', () => {
    for (const run of dryRuns.values()) {
      const exportDays = Number(run.parameters.parameters.exportFileRetentionDays?.value ?? main().parameters?.exportFileRetentionDays?.defaultValue);
      const activityDays = Number(run.parameters.parameters.activityRetentionDays?.value ?? main().parameters?.activityRetentionDays?.defaultValue);
      const settings = siteConfig('appsettings', run);
      expect(settings.EXPORT_FILE_RETENTION_DAYS, run.profile).toBe(String(exportDays));
      expect(settings.ACTIVITY_RETENTION_DAYS, run.profile).toBe(String(activityDays));
      const policy = deployed('Microsoft.Storage/storageAccounts/managementPolicies', run);
      expect(policy.properties?.policy.rules[0].definition.actions.baseBlob.delete.daysAfterModificationGreaterThan, run.profile).toBe(exportDays);
      const activity = allDeployed('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers', run).find((container) =>
        container.name.endsWith('/activity'),
      );
      expect(activity?.properties?.resource.defaultTtl, run.profile).toBe(activityDays * 86400);
    }
    expect(dryRuns.get('usgovernment')?.parameters.parameters.exportFileRetentionDays?.value).toBe(3);
  });
});

describe('the storage account', () => {
  it('allows no shared keys, no public blobs and nothing below TLS 1.2', () => {
    expect(deployed('Microsoft.Storage/storageAccounts').properties).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: 'TLS1_2',
      supportsHttpsTrafficOnly: true,
      defaultToOAuthAuthentication: true,
    });
  });

  it('has private containers for exports, the deployment package and the Functions host', () => {
    const containers = allDeployed('Microsoft.Storage/storageAccounts/blobServices/containers');
    const names = containers.map((container) => container.name.split('/').pop() ?? '');
    expect(names).toHaveLength(4);
    expect(names).toEqual(expect.arrayContaining(['exports', 'azure-webjobs-hosts', 'azure-webjobs-secrets']));
    expect(names.find((name) => !['exports', 'azure-webjobs-hosts', 'azure-webjobs-secrets'].includes(name))).toMatch(/^app-package-/);
    for (const container of containers) expect(container.properties?.publicAccess).toBe('None');
  });

  it('has the exports queue and its poison queue', () => {
    const queues = allDeployed('Microsoft.Storage/storageAccounts/queueServices/queues').map((queue) => queue.name.split('/').pop());
    expect(queues.sort()).toEqual(['exports', 'exports-poison']);
  });

  it('deletes export files older than the retention with a lifecycle rule', () => {
    const policy = deployed('Microsoft.Storage/storageAccounts/managementPolicies');
    expect(policy.name.split('/').pop()).toBe('default');
    const [rule] = policy.properties?.policy.rules ?? [];
    expect(rule).toMatchObject({ enabled: true, type: 'Lifecycle' });
    expect(rule.definition.filters.prefixMatch).toEqual(['exports/']);
    expect(rule.definition.actions.baseBlob.delete.daysAfterModificationGreaterThan).toBe(7);
  });
});

describe('Cosmos DB', () => {
  it('is serverless by default, autoscale by parameter, with local (key) auth disabled', () => {
    const account = deployed('Microsoft.DocumentDB/databaseAccounts');
    expect(account.properties).toMatchObject({ disableLocalAuth: true, disableKeyBasedMetadataWriteAccess: true, minimalTlsVersion: 'Tls12' });
    expect(account.properties?.capabilities).toEqual([{ name: 'EnableServerless' }]);
    expect(main().parameters?.cosmosCapacityMode?.defaultValue).toBe('Serverless');
    expect(deployed('Microsoft.DocumentDB/databaseAccounts/sqlDatabases').properties?.options).toEqual({});
  });

  it('creates the database and containers from cosmos-containers.json, the file the local bootstrap uses', () => {
    expect(containerDefinitions).toBe(containerFile);
    expect(readFileSync(join(repoRoot, 'shared/store/bootstrap.ts'), 'utf8')).toContain("from '../../infra/cosmos-containers.json'");
    expect(deployed('Microsoft.DocumentDB/databaseAccounts/sqlDatabases').name.split('/').pop()).toBe(containerFile.databaseName);
    const containers = allDeployed('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
    expect(containers.map((container) => container.name.split('/').pop()).sort()).toEqual(containerFile.containers.map((container) => container.name).sort());
    for (const definition of containerFile.containers) {
      const resource = containers.find((container) => container.name.endsWith(`/${definition.name}`))?.properties?.resource;
      expect(resource.partitionKey, definition.name).toEqual({ paths: [definition.partitionKeyPath], kind: 'Hash', version: 2 });
      expect(resource.indexingPolicy, definition.name).toEqual(definition.indexingPolicy);
      const ttl = definition.name === 'activity' ? 365 * 86400 : (definition.defaultTtl ?? undefined);
      expect(resource.defaultTtl, definition.name).toBe(ttl);
    }
  });

  it('has the fields Bicep reads for every container, each partitioned by a path', () => {
    expect(typeof containerFile.databaseName).toBe('string');
    for (const container of containerFile.containers) {
      expect(container.partitionKeyPath, container.name).toMatch(/^\/\w+$/);
      expect(container.indexingPolicy.indexingMode, container.name).toBe('consistent');
      expect(container.defaultTtl === null || typeof container.defaultTtl === 'number', container.name).toBe(true);
    }
  });
});

describe('monitoring', () => {
  it('has Application Insights on a Log Analytics workspace, accepting only Entra-authenticated telemetry', () => {
    const workspace = deployed('Microsoft.OperationalInsights/workspaces');
    const insights = deployed('Microsoft.Insights/components');
    expect(insights.properties?.WorkspaceResourceId).toBe(workspace.id);
    expect(insights.properties?.DisableLocalAuth).toBe(true);
    expect(workspace.properties?.features.disableLocalAuth).toBe(true);
  });

  it('where Entra-only ingestion is not documented (US Government), accepts the connection string and sends no Entra token, so telemetry is not dropped', () => {
    const run = dryRuns.get('usgovernment') as DryRun;
    expect(deployed('Microsoft.Insights/components', run).properties?.DisableLocalAuth).toBe(false);
    expect(siteConfig('appsettings', run)).not.toHaveProperty('APPLICATIONINSIGHTS_AUTHENTICATION_STRING');
    expect(siteConfig('appsettings', run)).toHaveProperty('APPLICATIONINSIGHTS_CONNECTION_STRING');
    expect(main().parameters?.telemetryEntraOnly?.defaultValue).toBe("[equals(environment().name, 'AzureCloud')]");
  });
});

/** Whether a TypeScript file of the app (functions/, shared/) contains a text. */
function appSourceContains(text: string): boolean {
  const visit = (folder: string): boolean =>
    readdirSync(folder, { withFileTypes: true }).some((entry) =>
      entry.isDirectory() ? visit(join(folder, entry.name)) : entry.name.endsWith('.ts') && readFileSync(join(folder, entry.name), 'utf8').includes(text),
    );
  return visit(join(repoRoot, 'functions')) || visit(join(repoRoot, 'shared'));
}

describe('alerts for administrators', () => {
  it('sends alert rules for failed export attempts, poisoned exports and a rise in API 5xx to an action group with the e-mail parameter', () => {
    const insights = deployed('Microsoft.Insights/components');
    const group = deployed('Microsoft.Insights/actionGroups');
    expect(group.properties?.emailReceivers).toEqual([{ name: 'administrator', emailAddress: 'operations@contoso.example', useCommonAlertSchema: true }]);
    expect(deployed('Microsoft.Insights/actionGroups', dryRuns.get('usgovernment')).properties?.emailReceivers).toEqual([]);
    const rules = allDeployed('Microsoft.Insights/scheduledQueryRules');
    expect(rules.map((rule) => rule.name.split('-').slice(2).join('-')).sort()).toEqual(['api-5xx-rate', 'export-attempt-failed', 'export-poisoned']);
    for (const rule of rules) {
      expect(rule.properties?.scopes, rule.name).toEqual([insights.id]);
      expect(rule.properties?.actions.actionGroups, rule.name).toEqual([group.id]);
      expect(rule.properties?.enabled).toBe(true);
    }
    const query = (name: string) => rules.find((rule) => rule.name.endsWith(name))?.properties?.criteria.allOf[0].query as string;
    // The texts the app logs: the rules match what the code says.
    expect(appSourceContains('failed on attempt')).toBe(true);
    expect(query('export-attempt-failed')).toContain('failed on attempt');
    expect(appSourceContains('reached the poison queue')).toBe(true);
    expect(query('export-poisoned')).toContain('reached the poison queue');
    expect(query('api-5xx-rate')).toContain('toint(resultCode) >= 500');
  });

  it('adds a workbook of exports by outcome and duration and of API latency and errors, over Application Insights', () => {
    const workbook = deployed('Microsoft.Insights/workbooks');
    expect(workbook.kind).toBe('shared');
    expect(workbook.properties?.sourceId).toBe(deployed('Microsoft.Insights/components').id);
    const content = JSON.parse(workbook.properties?.serializedData);
    const titles = content.items.map((item: { content: { title?: string } }) => item.content.title).filter(Boolean);
    expect(titles).toEqual(['Export slices by outcome and duration', 'Exports that failed or reached the poison queue', 'API latency and errors']);
  });
});

describe('identity and role assignments', () => {
  const roleIds = {
    storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
    storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
    monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
    cosmosDataContributor: '00000000-0000-0000-0000-000000000002',
  };
  const roleName = Object.fromEntries(Object.entries(roleIds).map(([name, id]) => [id, name]));

  /** Each assignment of a dry run as `<who> <role> on <scope>`, the scope as narrow as granted. */
  function grants(run = publicRun()): string[] {
    const identity = deployed('Microsoft.ManagedIdentity/userAssignedIdentities', run);
    const appPrincipal = `[reference('${identity.id}', '2024-11-30').principalId]`;
    const user = run.parameters.parameters.principalId?.value;
    const who = (principalId: unknown, type: unknown) =>
      principalId === appPrincipal && type === 'ServicePrincipal' ? 'app' : principalId === user && type === 'User' ? 'user' : `unknown ${principalId}`;
    const scopeOf = (scope: string) => {
      const segments = (scope.split('/providers/')[1] ?? '').split('/');
      if (segments.includes('containers')) return `container ${segments.at(-1)?.replace(/^app-package-.*/, 'app-package')}`;
      if (segments.includes('queues')) return `queue ${segments.at(-1)}`;
      if (segments.includes('dbs')) return `cosmos database ${segments.at(-1)}`;
      return segments.slice(0, 2).join('/');
    };
    const rbac = allDeployed('Microsoft.Authorization/roleAssignments', run).map((assignment) => {
      // Named guid(scope, principal, role): still an expression where the principal is the new
      // identity, already a GUID where the principal id is a parameter.
      const scope = assignment.id.startsWith('[')
        ? (/extensionResourceId\('([^']+)'/.exec(assignment.id)?.[1] ?? '')
        : (assignment.id.split('/providers/Microsoft.Authorization/roleAssignments/')[0] ?? '');
      if (assignment.name.startsWith('[')) expect(assignment.name).toContain(`[guid('${scope}', `);
      else expect(assignment.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const role = assignment.properties?.roleDefinitionId.split('/').pop();
      return `${who(assignment.properties?.principalId, assignment.properties?.principalType)} ${roleName[role] ?? role} on ${scopeOf(scope)}`;
    });
    const cosmos = allDeployed('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments', run).map((assignment) => {
      const role = assignment.properties?.roleDefinitionId.split('/').pop();
      const principal = assignment.properties?.principalId;
      return `${who(principal, principal === appPrincipal ? 'ServicePrincipal' : 'User')} ${roleName[role] ?? role} on ${scopeOf(assignment.properties?.scope)}`;
    });
    return [...rbac, ...cosmos].sort();
  }

  const appGrants = (packageRole: string) => [
    'app storageBlobDataContributor on container exports',
    'app storageBlobDataContributor on container azure-webjobs-hosts',
    'app storageBlobDataContributor on container azure-webjobs-secrets',
    `app ${packageRole} on container app-package`,
    'app storageQueueDataContributor on queue exports',
    'app storageQueueDataContributor on queue exports-poison',
    'app storageBlobDelegator on Microsoft.Storage/storageAccounts',
    'app monitoringMetricsPublisher on Microsoft.Insights/components',
    `app cosmosDataContributor on cosmos database ${containerFile.databaseName}`,
  ];

  it('the app runs as a user-assigned managed identity', () => {
    deployed('Microsoft.ManagedIdentity/userAssignedIdentities');
  });

  it('grants the app its data roles on the narrowest scopes: export files on the exports container, the queues one by one, the account only for user delegation keys', () => {
    expect(main().variables?.roles).toEqual(roleIds);
    expect(grants()).toEqual(appGrants('storageBlobDataContributor').sort());
    for (const run of dryRuns.values()) {
      expect(JSON.stringify(run.snapshot), `${run.profile} grants no Owner, Contributor or User Access Administrator`).not.toMatch(
        /8e3af657-a8ff-443c-a75c-2fe8c4bcb635|b24988ac-6180-42a0-ab88-20f7382dd24c|18d7d88d-d35e-4fb5-a5c3-7773c20a72d9/,
      );
    }
  });

  it('gives the deploying principal no data access unless deployerDataAccess is on; on Dedicated it may upload the package, nothing else', () => {
    expect(main().parameters?.deployerDataAccess?.defaultValue).toBe(false);
    expect(publicRun().parameters.parameters.principalId?.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(grants().filter((grant) => grant.startsWith('user'))).toEqual([]);
    const usgov = grants(dryRuns.get('usgovernment'));
    expect(usgov.filter((grant) => grant.startsWith('user'))).toEqual(['user storageBlobDataContributor on container app-package']);
    expect(usgov.filter((grant) => grant.startsWith('app'))).toEqual(appGrants('storageBlobDataReader').sort());
    const deployerRoles = main().variables?.deployerDataRoles as Array<{ target: string; roleDefinitionId: string }>;
    // The compiled list names each role as variables('roles').<name>.
    const named = (id: string) => /\.(\w+)\]$/.exec(id)?.[1] ?? roleName[id];
    expect(deployerRoles.map((role) => `${named(role.roleDefinitionId)} on ${role.target}`).sort()).toEqual([
      'cosmosDataContributor on cosmos',
      'storageBlobDataContributor on exportsContainer',
      'storageBlobDelegator on storageAccount',
      'storageQueueDataContributor on storageAccount',
    ]);
  });

  it('makes every assignment from one typed list in one module', () => {
    const module = template('infra/modules/role-assignments.bicep');
    expect(module.parameters?.roleAssignments).toMatchObject({ type: 'array', items: { $ref: '#/definitions/roleAssignmentType' } });
    const assignments = declaredResources(main()).filter((resource) => /roleAssignments$/i.test(resource.type) && !resource.existing);
    const inModule = templateResources(module).filter(([, resource]) => /roleAssignments$/i.test(resource.type) && !resource.existing);
    expect(inModule.length).toBe(7);
    expect(assignments.length).toBe(inModule.length);
    for (const [, resource] of inModule) expect(resource.copy, resource.type).toBeDefined();
    expect(allDeployed('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments')[0]?.properties?.scope).toBe(
      `/subscriptions/${dryRunSubscriptionId}/resourceGroups/rg-dryrun-public/providers/Microsoft.DocumentDB/databaseAccounts/${deployed('Microsoft.DocumentDB/databaseAccounts').name}/dbs/${containerFile.databaseName}`,
    );
  });
});

describe('App Service Authentication', () => {
  it('requires Entra ID sign-in for everything but the health check and the OpenAPI document', () => {
    const auth = siteConfig('authsettingsV2');
    expect(auth.platform.enabled).toBe(true);
    expect(auth.globalValidation).toMatchObject({
      requireAuthentication: true,
      redirectToProvider: 'azureactivedirectory',
      excludedPaths: ['/api/health', '/api/openapi.json'],
    });
    expect(auth.identityProviders.azureActiveDirectory.enabled).toBe(true);
    expect(auth.httpSettings.requireHttps).toBe(true);
  });

  it("trusts this cloud's sign-in authority and the app registration azd passes in, with no client secret", () => {
    const auth = siteConfig('authsettingsV2');
    const clientId = publicRun().parameters.parameters.authClientId?.value;
    expect(auth.identityProviders.azureActiveDirectory.registration).toEqual({
      clientId,
      openIdIssuer: "[format('{0}{1}/v2.0', environment().authentication.loginEndpoint, 'common')]",
    });
    expect(auth.identityProviders.azureActiveDirectory.validation.allowedAudiences).toEqual([`api://${clientId}`, clientId]);
  });

  it('takes another sign-in authority by parameter (the US Government profile admits public-cloud tenants)', () => {
    const auth = siteConfig('authsettingsV2', dryRuns.get('usgovernment'));
    expect(auth.identityProviders.azureActiveDirectory.registration.openIdIssuer).toBe('https://login.microsoftonline.com/common/v2.0');
  });

  it("keeps the portal's #/ route across the sign-in redirect", () => {
    for (const run of dryRuns.values()) expect(siteConfig('authsettingsV2', run).login.preserveUrlFragmentsForLogins, run.profile).toBe(true);
  });
});
