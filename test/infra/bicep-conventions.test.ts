/**
 * The conventions of infra/ (shared/style.md, Azure Verified Modules, azd templates), checked over
 * the syntax tree: described parameters and outputs, API versions, parent/existing instead of id
 * strings, azd's outputs and parameters, the linter configuration, and the indexing policy file
 * shared with the local bootstrap.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import containerFile from '../../infra/cosmos-containers.json' with { type: 'json' };
import { containerDefinitions } from '../../shared/store/bootstrap.js';
import {
  type BicepFile,
  callsOf,
  compact,
  declarations,
  decoratorsOf,
  descendants,
  descriptionOf,
  literal,
  modules,
  parseAllBicepFiles,
  property,
  repoRoot,
  resources,
} from './bicep-tree.js';

let files: Map<string, BicepFile>;

beforeAll(async () => {
  files = await parseAllBicepFiles();
});

function main(): BicepFile {
  const found = files.get('infra/main.bicep');
  if (!found) throw new Error('infra/main.bicep is missing');
  return found;
}

describe('Bicep conventions', () => {
  it('every parameter is described, starting with Required. or Optional. as its default says', () => {
    for (const file of files.values()) {
      for (const param of declarations(file.root, 'param')) {
        const description = descriptionOf(param.node);
        expect(description, `${file.path}: param ${param.name}`).toMatch(/^(Required|Optional)\. \S/);
        const hasDefault = param.value !== undefined && param.node.children.some((child) => child?.type === '=');
        expect(
          description?.startsWith(hasDefault ? 'Optional.' : 'Required.'),
          `${file.path}: param ${param.name} is ${hasDefault ? 'optional' : 'required'}`,
        ).toBe(true);
      }
    }
  });

  it('every output, type and function is described', () => {
    for (const file of files.values()) {
      for (const declaration of [...declarations(file.root, 'output'), ...declarations(file.root, 'type'), ...declarations(file.root, 'func')]) {
        expect(descriptionOf(declaration.node), `${file.path}: ${declaration.kind} ${declaration.name}`).toMatch(/\S/);
      }
    }
  });

  it('main.bicep deploys at subscription scope and outputs UPPER_SNAKE names for azd; modules output lowerCamelCase', () => {
    const scope = descendants(main().root, 'target_scope_assignment')[0];
    expect(literal(scope?.namedChildren[0] ?? undefined)).toBe('subscription');
    for (const output of declarations(main().root, 'output')) expect(output.name).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    for (const file of files.values()) {
      if (file.path === 'infra/main.bicep') continue;
      for (const output of declarations(file.root, 'output')) expect(output.name, file.path).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    }
  });

  it('main.bicep declares only the resource group; every other resource is in a module that does one thing', () => {
    expect(resources(main().root).map((resource) => resource.type)).toEqual(['Microsoft.Resources/resourceGroups']);
    const used = modules(main().root)
      .map((module) => module.path)
      .sort();
    const moduleFiles = [...files.keys()]
      .filter((path) => path.startsWith('infra/modules/'))
      .map((path) => path.slice('infra/'.length))
      .sort();
    expect(used).toEqual(moduleFiles);
  });

  it('names resources from abbreviations.json and a resource token of subscription, environment and location', () => {
    const variables = new Map(declarations(main().root, 'var').map((variable) => [variable.name, compact(variable.value)]));
    expect(variables.get('resourceToken')).toBe('toLower(uniqueString(subscription().id, environmentName, location))');
    expect(variables.get('abbrs')).toBe("loadJsonContent('abbreviations.json')");
    const abbreviations = JSON.parse(readFileSync(join(repoRoot, 'infra/abbreviations.json'), 'utf8')) as Record<string, string>;
    for (const use of descendants(main().root, 'member_expression').filter((node) => node.namedChildren[0]?.text === 'abbrs')) {
      expect(Object.keys(abbreviations), use.text).toContain(use.namedChildren[1]?.text);
    }
    expect(compact(property(resources(main().root)[0]?.body, 'tags'))).toBe('tags');
    expect(compact(declarations(main().root, 'var').find((variable) => variable.name === 'tags')?.value)).toBe("{ 'azd-env-name': environmentName }");
  });

  it('uses API versions from 2022 or later, and the same version for a type everywhere', () => {
    const versions = new Map<string, Set<string>>();
    for (const file of files.values()) {
      for (const resource of resources(file.root)) {
        expect(resource.apiVersion, `${file.path}: ${resource.symbol}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        const version = resource.apiVersion ?? '';
        // Application Insights components have no GA version newer than 2020-02-02.
        if (resource.type !== 'Microsoft.Insights/components') expect(version >= '2022-01-01', `${file.path}: ${resource.type}@${version}`).toBe(true);
        const topLevelType = resource.type.split('/').slice(0, 2).join('/');
        versions.set(topLevelType, (versions.get(topLevelType) ?? new Set()).add(version));
      }
    }
    for (const [type, seen] of versions) {
      if (type !== 'Microsoft.Authorization/roleAssignments') expect([...seen], type).toHaveLength(1);
    }
  });

  it('refers to resources with parent: and existing, not resourceId() strings', () => {
    for (const file of files.values()) {
      for (const call of ['resourceId', 'extensionResourceId', 'tenantResourceId']) expect(callsOf(file.root, call), `${file.path}: ${call}()`).toEqual([]);
      // subscriptionResourceId only names built-in role definitions, which are no resource of ours.
      for (const call of callsOf(file.root, 'subscriptionResourceId')) expect(compact(call)).toContain("'Microsoft.Authorization/roleDefinitions'");
      for (const resource of resources(file.root)) {
        const name = literal(property(resource.body, 'name'));
        if (typeof name === 'string') expect(name, `${file.path}: ${resource.symbol} has a plain name, not a parent/child path`).not.toContain('/');
      }
    }
  });

  it('secrets stay out: no secure parameters with defaults, no secrets in outputs', () => {
    for (const file of files.values()) {
      for (const output of declarations(file.root, 'output')) {
        expect(output.name, file.path).not.toMatch(/key|secret|password|connectionstring/i);
        expect(compact(output.value), `${file.path}: output ${output.name}`).not.toMatch(/list\w*\(|ConnectionString|primaryKey|Keys?\b/);
      }
      for (const param of declarations(file.root, 'param')) {
        if (decoratorsOf(param.node).some((decorator) => decorator.name === 'secure'))
          expect(param.value, `${file.path}: @secure() param ${param.name}`).toBeUndefined();
      }
    }
  });

  it('bicepconfig.json turns the linter on with the rules we rely on', () => {
    const config = JSON.parse(readFileSync(join(repoRoot, 'infra/bicepconfig.json'), 'utf8')) as {
      analyzers: { core: { enabled: boolean; rules: Record<string, { level: string }> } };
    };
    expect(config.analyzers.core.enabled).toBe(true);
    for (const rule of [
      'no-unused-params',
      'no-unused-vars',
      'use-recent-api-versions',
      'secure-secrets-in-params',
      'outputs-should-not-contain-secrets',
      'no-hardcoded-env-urls',
      'use-parent-property',
    ]) {
      expect(['warning', 'error'], rule).toContain(config.analyzers.core.rules[rule]?.level);
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
    const parameters = JSON.parse(readFileSync(join(repoRoot, 'infra/main.parameters.json'), 'utf8')) as { parameters: Record<string, { value: string }> };
    const declared = new Map(declarations(main().root, 'param').map((param) => [param.name, param]));
    for (const [name, { value }] of Object.entries(parameters.parameters)) {
      expect(declared.has(name), `main.bicep declares ${name}`).toBe(true);
      expect(value, name).toMatch(/^\$\{[A-Z][A-Z0-9_]*(=[^}]*)?\}$/);
    }
    expect(parameters.parameters.environmentName?.value).toBe('${AZURE_ENV_NAME}');
    expect(parameters.parameters.location?.value).toBe('${AZURE_LOCATION}');
    expect(parameters.parameters.principalId?.value).toBe('${AZURE_PRINCIPAL_ID}');
    expect(parameters.parameters.authClientId?.value).toBe('${AUTH_CLIENT_ID}');
    for (const [name, param] of declared) {
      const required = param.value === undefined || !param.node.children.some((child) => child?.type === '=');
      if (required) expect(Object.keys(parameters.parameters), `required param ${name} is mapped`).toContain(name);
    }
  });

  it('the postprovision hook reads only outputs main.bicep declares', () => {
    const hook = readFileSync(join(repoRoot, 'infra/hooks/postprovision.mjs'), 'utf8');
    const outputs = new Set(declarations(main().root, 'output').map((output) => output.name));
    const inputs = new Set(['AUTH_CLIENT_ID', 'AZURE_ENV_NAME']);
    for (const used of hook.matchAll(/environment\.([A-Z][A-Z0-9_]*)/g)) {
      const name = used[1] ?? '';
      expect(outputs.has(name) || inputs.has(name), name).toBe(true);
    }
  });
});

describe('the Cosmos DB containers file', () => {
  it('is the one the local bootstrap uses and the one Bicep loads', () => {
    expect(containerDefinitions).toBe(containerFile);
    const bootstrap = readFileSync(join(repoRoot, 'shared/store/bootstrap.ts'), 'utf8');
    expect(bootstrap).toContain("from '../../infra/cosmos-containers.json'");
    const cosmos = files.get('infra/modules/cosmos.bicep');
    expect(cosmos).toBeDefined();
    const loaded = callsOf(cosmos?.root ?? main().root, 'loadJsonContent').map((call) => literal(call.namedChildren[1]?.namedChildren[0] ?? undefined));
    expect(loaded).toEqual(['../cosmos-containers.json']);
  });

  it('has the fields Bicep reads for every container, each partitioned by a path', () => {
    expect(typeof containerFile.databaseName).toBe('string');
    expect(containerFile.containers.map((container) => container.name).sort()).toEqual([
      'activity',
      'counters',
      'customers',
      'exports',
      'subscriptions',
      'tenants',
    ]);
    for (const container of containerFile.containers) {
      expect(container.partitionKeyPath, container.name).toMatch(/^\/\w+$/);
      expect(container.indexingPolicy.indexingMode, container.name).toBe('consistent');
      expect(container.defaultTtl === null || typeof container.defaultTtl === 'number', container.name).toBe(true);
    }
  });

  it('every top-level main.bicep output is a plain value azd can store', () => {
    for (const output of declarations(main().root, 'output')) expect(['string', 'int', 'bool'], output.name).toContain(output.typeText);
  });
});
