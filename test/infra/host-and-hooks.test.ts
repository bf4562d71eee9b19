/**
 * host.json's queue settings and the local settings the postprovision hook writes: an export starts
 * within seconds of its message, one export at a time runs on an instance, and a developer's
 * `func start` never takes messages from the deployed app's queues.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localQueueName, localSettingsValues, withoutDeployedQueues } from '../../infra/hooks/local-settings.mjs';
import { hostingPreflight, telemetryEntraOnlyFor } from '../../infra/hooks/preflight.mjs';
import { loadConfig, poisonQueueName } from '../../shared/config.js';
import { repoRoot } from '../support/test-tools.js';

const hostJson = JSON.parse(readFileSync(join(repoRoot, 'host.json'), 'utf8'));

/** host.json time spans (hh:mm:ss) in seconds. */
const seconds = (span: string) => span.split(':').reduce((total, part) => total * 60 + Number(part), 0);

describe('host.json', () => {
  it('polls an idle export queue at least every few seconds (the host backs off to maxPollingInterval, default one minute)', () => {
    expect(seconds(hostJson.extensions.queues.maxPollingInterval)).toBeGreaterThan(0);
    expect(seconds(hostJson.extensions.queues.maxPollingInterval)).toBeLessThanOrEqual(5);
  });

  it('runs one export at a time on an instance (at most batchSize + newBatchThreshold messages run at once) and scales out on batchSize', () => {
    const { batchSize, newBatchThreshold } = hostJson.extensions.queues;
    expect(batchSize + newBatchThreshold).toBe(1);
  });
});

describe('the local settings the postprovision hook writes', () => {
  const environment = {
    AZURE_ENV_NAME: 'prod',
    COSMOS_ENDPOINT: 'https://cosmos-abc.documents.example/',
    COSMOS_DATABASE_NAME: 'customerlist',
    STORAGE_BLOB_SERVICE_URI: 'https://stabc.blob.example/',
    STORAGE_QUEUE_SERVICE_URI: 'https://stabc.queue.example/',
    AZURE_AUTHORITY_HOST: 'https://login.example/',
    EXPORTS_CONTAINER_NAME: 'exports',
    EXPORTS_QUEUE_NAME: 'exports',
    EXPORT_SCHEDULER_CRON: '0 */5 * * * *',
    EXPORT_FILE_RETENTION_DAYS: '7',
    ACTIVITY_RETENTION_DAYS: '365',
  };

  it("use the developer's own export queue, never the deployed one, and keep host storage on Azurite", () => {
    const values = localSettingsValues(environment, 'Ada.Lovelace');
    expect(values.EXPORTS_QUEUE_NAME).toBe('exports-local-ada-lovelace');
    expect(values.EXPORTS_QUEUE_NAME).not.toBe(environment.EXPORTS_QUEUE_NAME);
    expect(values.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
    expect(values.COSMOS_ENDPOINT).toBe(environment.COSMOS_ENDPOINT);
    expect(values).not.toHaveProperty('STORAGE__credential');
    // The app reads them as it would any settings.
    const config = loadConfig({ ...values, STORAGE__credential: 'managedidentity' });
    expect(config.exports.queueName).toBe('exports-local-ada-lovelace');
    expect(poisonQueueName(config.exports.queueName)).toBe('exports-local-ada-lovelace-poison');
  });

  it('name a valid queue whatever the user name, with room for the poison suffix', () => {
    for (const user of ['', 'ROOT', 'Jürgen Groß', 'a'.repeat(80), '--', 'x_y']) {
      const name = localQueueName('exports', user);
      expect(name, user).toMatch(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,55}$/);
      expect(`${name}-poison`.length).toBeLessThanOrEqual(63);
      expect(name).not.toBe('exports');
    }
  });

  it('fix an existing file that points at the deployed queue, and leave any other alone', () => {
    const old = {
      COSMOS_ENDPOINT: environment.COSMOS_ENDPOINT,
      STORAGE__queueServiceUri: environment.STORAGE_QUEUE_SERVICE_URI,
      EXPORTS_QUEUE_NAME: 'exports',
    };
    expect(withoutDeployedQueues(old, environment, 'ada')).toEqual({ ...old, EXPORTS_QUEUE_NAME: 'exports-local-ada' });
    expect(withoutDeployedQueues({ ...old, EXPORTS_QUEUE_NAME: 'exports-local-ada' }, environment, 'ada')).toBeUndefined();
    expect(withoutDeployedQueues({ ...old, STORAGE__queueServiceUri: 'http://127.0.0.1:10001/devstoreaccount1' }, environment, 'ada')).toBeUndefined();
  });

  it('refuse to write settings from an unfinished provisioning', () => {
    const { COSMOS_ENDPOINT: _, ...unfinished } = environment;
    expect(() => localSettingsValues(unfinished, 'ada')).toThrow(/COSMOS_ENDPOINT/);
  });
});

describe('the preflight of the preprovision hook', () => {
  const publicRegions = ['eastus', 'westeurope', 'germanywestcentral', 'southindia'];
  const flexRegions = [{ name: 'eastus' }, { name: 'westeurope' }, { name: 'germanywestcentral' }];

  it('lets Flex Consumption through in a public region that offers it', () => {
    expect(hostingPreflight({ cloud: 'AzureCloud', location: 'eastus', hostingPlan: undefined, regions: publicRegions, flexRegions })).toEqual({ ok: true });
    expect(hostingPreflight({ cloud: 'AzureCloud', location: 'West Europe', hostingPlan: 'FlexConsumption', regions: publicRegions, flexRegions }).ok).toBe(
      true,
    );
  });

  it('stops Flex Consumption in a region without it, naming regions that have it and the Dedicated plan', () => {
    const result = hostingPreflight({ cloud: 'AzureCloud', location: 'southindia', hostingPlan: 'FlexConsumption', regions: publicRegions, flexRegions });
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('Flex Consumption is not offered in southindia (AzureCloud)');
    expect(result.problem).toContain('eastus');
    expect(result.problem).toContain('azd env set HOSTING_PLAN Dedicated');
  });

  it('stops Flex Consumption in a cloud that has none (US Government), and lets the Dedicated plan through there', () => {
    const govRegions = ['usgovvirginia', 'usgovarizona', 'usgovtexas'];
    const flex = hostingPreflight({
      cloud: 'AzureUSGovernment',
      location: 'usgovvirginia',
      hostingPlan: 'FlexConsumption',
      regions: govRegions,
      flexRegions: [],
    });
    expect(flex.ok).toBe(false);
    expect(flex.problem).toBe(
      'Flex Consumption is not offered in AzureUSGovernment. Use the Dedicated plan (a Linux App Service plan, no keys either): `azd env set HOSTING_PLAN Dedicated`, then `azd up` again.',
    );
    expect(hostingPreflight({ cloud: 'AzureUSGovernment', location: 'usgovvirginia', hostingPlan: 'Dedicated', regions: govRegions, flexRegions: [] })).toEqual(
      { ok: true },
    );
  });

  it("sends Microsoft Cloud Germany's customers to the public cloud's German regions", () => {
    const result = hostingPreflight({ cloud: 'AzureGermanCloud', location: 'germanycentral', hostingPlan: 'Dedicated', regions: [], flexRegions: [] });
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('closed on 2021-10-29');
    expect(result.problem).toContain('germanywestcentral');
  });

  it('stops on a region of another cloud, an unknown plan or no region', () => {
    expect(
      hostingPreflight({ cloud: 'AzureCloud', location: 'usgovvirginia', hostingPlan: 'Dedicated', regions: publicRegions, flexRegions }).problem,
    ).toContain('usgovvirginia is not a region of AzureCloud');
    expect(hostingPreflight({ cloud: 'AzureCloud', location: 'eastus', hostingPlan: 'Consumption', regions: publicRegions, flexRegions }).problem).toContain(
      'HOSTING_PLAN is Consumption',
    );
    expect(hostingPreflight({ cloud: 'AzureCloud', location: '', hostingPlan: 'Dedicated', regions: publicRegions, flexRegions }).problem).toContain(
      'AZURE_LOCATION is not set',
    );
  });

  it('runs before the hook creates anything, and sets Entra-only telemetry for the public cloud only', () => {
    const hook = readFileSync(join(repoRoot, 'infra/hooks/preprovision.mjs'), 'utf8');
    const preflightAt = hook.indexOf('hostingPreflight(');
    expect(preflightAt).toBeGreaterThan(0);
    for (const creation of ["'create'", "'env', 'set'", "'rest'"]) expect(hook.indexOf(creation), creation).toBeGreaterThan(preflightAt);
    expect(hook).not.toContain("'list', '--display-name'");
    expect(telemetryEntraOnlyFor('AzureCloud')).toBe('true');
    expect(telemetryEntraOnlyFor('AzureUSGovernment')).toBe('false');
  });

  it('the Dedicated deployment uploads the blob the app runs from', () => {
    const script = readFileSync(join(repoRoot, 'infra/hooks/deploy-dedicated.mjs'), 'utf8');
    expect(script).toContain('/api.zip');
    expect(script).toMatch(/'--auth-mode',\s*'login'/);
  });
});
