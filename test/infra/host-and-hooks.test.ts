/**
 * host.json's queue settings and the local settings the postprovision hook writes: an export starts
 * within seconds of its message, one export at a time runs on an instance, and a developer's
 * `func start` never takes messages from the deployed app's queues.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localQueueName, localSettingsValues, withoutDeployedQueues } from '../../infra/hooks/local-settings.mjs';
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
