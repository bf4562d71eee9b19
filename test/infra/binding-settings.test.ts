/**
 * Every app setting a binding names (`%SETTING%` in a queue name or a schedule, and the
 * identity-based connection `<prefix>__queueServiceUri`) is defined wherever the host runs: in
 * local.settings.sample.json, in the local.settings.json the postprovision hook writes, and in the
 * Function App's app settings in the Bicep. The host drops a function whose binding names an
 * undefined setting (a timer with an unresolved `%EXPORT_SCHEDULER_CRON%` never runs).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionTable } from '../../functions/table.js';
// @ts-expect-error: a plain ES module of the azd hooks, without types.
import { localSettingsValues } from '../../infra/hooks/local-settings.mjs';
import { declarations, literal, objectEntries, objectLiteralsOf, parseBicepFile, property, resources } from './bicep-tree.js';

/** The settings the function table's bindings name. */
function bindingSettings(): string[] {
  const names = new Set<string>();
  for (const entry of functionTable) {
    const expressions = entry.trigger === 'storageQueue' ? [entry.queueName] : entry.trigger === 'timer' ? [entry.schedule] : [entry.route];
    for (const expression of expressions) for (const [, name] of expression.matchAll(/%([A-Za-z0-9_]+)%/g)) names.add(name ?? '');
    if (entry.trigger === 'storageQueue') names.add(`${entry.connection}__queueServiceUri`);
  }
  return [...names].sort();
}

let bicepAppSettings: Set<string>;
let mainOutputs: string[];

beforeAll(async () => {
  const functionApp = await parseBicepFile('infra/modules/function-app.bicep');
  const appSettings = resources(functionApp.root).find(
    (resource) => resource.type === 'Microsoft.Web/sites/config' && literal(property(resource.body, 'name')) === 'appsettings',
  );
  const properties = property(appSettings?.body, 'properties');
  bicepAppSettings = new Set((properties ? objectLiteralsOf(properties) : []).flatMap((object) => [...objectEntries(object).keys()]));
  mainOutputs = declarations((await parseBicepFile('infra/main.bicep')).root, 'output').map((output) => output.name);
});

describe('the settings the bindings name', () => {
  it('are the queue name, the scheduler cron and the queue connection', () => {
    expect(bindingSettings()).toEqual(['EXPORTS_QUEUE_NAME', 'EXPORT_SCHEDULER_CRON', 'STORAGE__queueServiceUri']);
  });

  it('are defined in local.settings.sample.json', () => {
    const sample = JSON.parse(readFileSync(new URL('../../local.settings.sample.json', import.meta.url), 'utf8')) as { Values: Record<string, string> };
    for (const name of bindingSettings()) expect(sample.Values[name], name).toBeTruthy();
  });

  it('are written by the postprovision hook, from the outputs of main.bicep', () => {
    // The azd environment holds main.bicep's outputs; the hook throws when one it reads is missing.
    const environment = Object.fromEntries(mainOutputs.map((name) => [name, `value of ${name}`]));
    const values = localSettingsValues(environment) as Record<string, string>;
    for (const name of bindingSettings()) expect(values[name], name).toBeTruthy();
  });

  it('are set in the Function App settings in the Bicep', () => {
    expect(bicepAppSettings.size).toBeGreaterThan(10);
    for (const name of bindingSettings()) expect(bicepAppSettings.has(name), name).toBe(true);
  });
});
