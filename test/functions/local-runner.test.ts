/**
 * The local runner hands a function the request the Functions host would: the checks here are
 * the host behaviours the README lists under "What the local runner reproduces".
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, localStackEnv } from '../../shared/config.js';
import { type HttpFunctionEntry, httpFunction, type QueueFunctionEntry } from '../../shared/host/function-table.js';
import { type LocalRunner, startLocalRunner } from '../../shared/host/local-runner.js';
import { encodeQueueMessage, queueServiceClient } from '../../shared/storage/export-queue.js';
import { createService } from '../../shared/wiring.js';

/** Answers what it was given: the request as the handler sees it. */
const echo = (name: string, route: string): HttpFunctionEntry =>
  httpFunction({
    name,
    methods: ['GET', 'POST'],
    route,
    async handler(request) {
      const text = await request.text();
      return {
        jsonBody: {
          name,
          url: request.url,
          query: Object.fromEntries(request.query),
          params: request.params,
          headers: Object.fromEntries(request.headers),
          body: request.body === null ? null : text,
        },
      };
    },
  });

let runner: LocalRunner;

beforeAll(async () => {
  const app = createService(loadConfig(localStackEnv(inject('stack'), 'runner-unused')));
  runner = await startLocalRunner([echo('b-items-get', 'api/items/{id}'), echo('a-items-recent', 'api/items/recent')], app, { queues: false, timers: false });
});

afterAll(async () => {
  await runner?.close();
});

const get = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${runner.url}${path}`, init);
  return { status: response.status, body: response.status === 200 ? await response.json() : await response.text() };
};

describe('the local runner, as the Functions host', () => {
  it('joins repeated query parameters with commas, and keeps the raw URL', async () => {
    const { body } = await get('/api/items/1?search=a&search=b&top=5&empty=');
    expect(body.query).toEqual({ search: 'a,b', top: '5', empty: '' });
    expect(new URL(body.url).search).toBe('?search=a&search=b&top=5&empty=');
  });

  it('lower-cases header names and joins repeated headers with commas', async () => {
    // Two header lines (fetch would fold them into one "one, two" line itself).
    const body = await new Promise<{ headers: Record<string, string> }>((resolve, reject) => {
      http
        .get(`${runner.url}/api/items/1`, { headers: { 'X-Custom-Thing': ['one', 'two'] } }, (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve(JSON.parse(text)));
        })
        .on('error', reject);
    });
    expect(body.headers['x-custom-thing']).toBe('one,two');
    expect(Object.keys(body.headers).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('passes a body only when there is one', async () => {
    expect((await get('/api/items/1')).body.body).toBeNull();
    expect((await get('/api/items/1', { method: 'POST' })).body.body).toBeNull();
    expect((await get('/api/items/1', { method: 'POST', body: '{"a":1}' })).body.body).toBe('{"a":1}');
  });

  it('routes by function name order, first match, and answers an unmatched request with an empty 404', async () => {
    expect((await get('/api/items/recent')).body.name).toBe('a-items-recent');
    expect((await get('/api/items/42')).body).toMatchObject({ name: 'b-items-get', params: { id: '42' } });
    expect(await get('/api/items/42', { method: 'DELETE' })).toEqual({ status: 404, body: '' });
    expect(await get('/nothing')).toEqual({ status: 404, body: '' });
  });

  it('refuses to start with a table in which one route shadows another', async () => {
    const app = createService(loadConfig(localStackEnv(inject('stack'), 'runner-unused')));
    await expect(
      startLocalRunner([echo('a-items-get', 'api/items/{id}'), echo('b-items-recent', 'api/items/recent')], app, { queues: false, timers: false }),
    ).rejects.toThrow(/b-items-recent \(GET, POST, HEAD api\/items\/recent\) is shadowed by a-items-get/);
  });
});

describe('queue messages, as the host takes them with host.json batchSize 1', () => {
  /** Runs six messages through a runner standing in for `instances` instances; the most handled at once. */
  async function mostAtOnce(instances: number): Promise<{ most: number; handled: number }> {
    const config = loadConfig(localStackEnv(inject('stack'), 'runner-unused'));
    const queueName = `runner-batch-${instances}-${Date.now()}`;
    const queue = queueServiceClient(config).getQueueClient(queueName);
    await queue.create();
    let now = 0;
    let most = 0;
    let handled = 0;
    const slow: QueueFunctionEntry = {
      trigger: 'storageQueue',
      name: 'slow-work',
      queueName,
      connection: 'AzureWebJobsStorage',
      async handler() {
        now += 1;
        most = Math.max(most, now);
        await new Promise((resolve) => setTimeout(resolve, 150));
        now -= 1;
        handled += 1;
      },
    };
    for (let index = 0; index < 6; index += 1) await queue.sendMessage(encodeQueueMessage({ index }));
    const runner = await startLocalRunner([slow], createService(config), { timers: false, queuePollMilliseconds: 20, instances, log: () => undefined });
    try {
      await runner.drainQueues(30_000);
    } finally {
      await runner.close();
      await queue.delete();
    }
    return { most, handled };
  }

  it('one instance handles one message at a time', async () => {
    expect(await mostAtOnce(1)).toEqual({ most: 1, handled: 6 });
  });

  it('more instances (as Azure scales out) handle one each at once', async () => {
    const { most, handled } = await mostAtOnce(3);
    expect(handled).toBe(6);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(3);
  });
});
