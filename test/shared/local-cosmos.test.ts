/**
 * The durable local Cosmos endpoint (shared/host/local-cosmos.ts) in this process, over a folder:
 * what it acknowledged comes back from the journal alone, with its etag; a torn journal tail and a
 * half-written snapshot are skipped; when it cannot save, health and writes answer 503 with the
 * reason, reads go on, and both recover once saving works again. The kill -9 tests of `npm start`
 * are in test/scripts/start-crash.test.ts.
 */
import { appendFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ChangeFeedStartFrom } from '@azure/cosmos';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { functionTable } from '../../functions/table.js';
import { loadConfig, localStackEnv } from '../../shared/config.js';
import { compiledQuery, type LocalCosmosEndpoint, linearFromClause, startLocalCosmos } from '../../shared/host/local-cosmos.js';
import { startLocalRunner } from '../../shared/host/local-runner.js';
import { importRecords } from '../../shared/import/import-records.js';
import { bootstrapStore } from '../../shared/store/bootstrap.js';
import { createService } from '../../shared/wiring.js';
import { customerId, fixtureRecords, PROVIDER } from '../support/fixtures.js';
import { call, principal } from '../support/service.js';

const opened: LocalCosmosEndpoint[] = [];
afterAll(async () => {
  for (const endpoint of opened.reverse()) await endpoint.close().catch(() => undefined);
});

async function endpointOn(folder: string, warnings: string[] = []): Promise<LocalCosmosEndpoint> {
  const endpoint = await startLocalCosmos({ port: 0, folder, snapshotSeconds: 3600, warn: (message) => warnings.push(message) });
  opened.push(endpoint);
  return endpoint;
}

async function serviceOn(endpoint: LocalCosmosEndpoint) {
  const stack = inject('stack');
  const service = createService(loadConfig(localStackEnv({ cosmos: endpoint.port, blob: stack.blob, queue: stack.queue }, 'durable')));
  await bootstrapStore(service.config, service.store);
  return service;
}

async function seeded(folder: string) {
  const endpoint = await endpointOn(folder);
  const service = await serviceOn(endpoint);
  const summary = await importRecords(service.ports, () =>
    (async function* () {
      for (const record of fixtureRecords()) yield JSON.stringify(record);
    })(),
  );
  expect(summary.problems).toEqual([]);
  return { endpoint, service };
}

describe('the durable local Cosmos endpoint', () => {
  it('gives back, from the journal alone, every acknowledged write with its etag', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'local-cosmos-'));
    const { endpoint, service } = await seeded(folder);
    const before = nonNullValue(await service.ports.customers.getCustomer(PROVIDER, customerId(1)), 'customer');
    const renamed = await service.ports.customers.replaceCustomer({ ...before, companyName: 'Journaled Ltd' }, nonNullValue(before.etag, 'etag'));
    expect(renamed).not.toBe('PreconditionFailed');
    // No snapshot since the writes (the first endpoint is left as a crash would leave it).
    expect(await readdir(folder)).not.toContain('snapshot.ndjson');

    const restarted = await endpointOn(folder);
    expect(restarted.restored).toBe(endpoint.status().documents);
    const again = await serviceOn(restarted);
    const after = await again.ports.customers.getCustomer(PROVIDER, customerId(1));
    expect(after?.companyName).toBe('Journaled Ltd');
    expect(after?.etag).toBe((renamed as { etag?: string }).etag);
  });

  it('skips a torn journal tail and a half-written snapshot, with a warning, and starts', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'local-cosmos-'));
    const { endpoint } = await seeded(folder);
    const documents = endpoint.status().documents;
    const journal = nonNullValue(
      (await readdir(folder)).find((name) => name.startsWith('journal-')),
      'journal',
    );
    await appendFile(path.join(folder, journal), '{"op":"put","db":"durable","coll":"customers","pk":"x","doc":{"id":');
    await writeFile(path.join(folder, 'snapshot-99.tmp'), '\u0000'.repeat(1024));

    const warnings: string[] = [];
    const restarted = await endpointOn(folder, warnings);
    expect(restarted.restored).toBe(documents);
    expect(warnings.join('\n')).toMatch(/damaged from line \d+/);
    expect(await readdir(folder)).not.toContain('snapshot-99.tmp');
    // A snapshot now leaves one file with everything, and no journal behind it.
    await restarted.snapshot();
    expect((await readdir(folder)).filter((name) => name.startsWith('journal-') || name.startsWith('snapshot')).sort()).toEqual(['snapshot.ndjson']);
    expect((await endpointOn(folder)).restored).toBe(documents);
  });

  it('answers 503 with the reason to health and writes while it cannot save, and recovers', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'local-cosmos-'));
    const warnings: string[] = [];
    const endpoint = await endpointOn(folder, warnings);
    const service = await serviceOn(endpoint);
    await importRecords(service.ports, () =>
      (async function* () {
        for (const record of fixtureRecords()) yield JSON.stringify(record);
      })(),
    );
    const runner = await startLocalRunner(functionTable, service, { queues: false, timers: false, log: () => undefined });
    const admin = principal(PROVIDER, ['Customers.ReadWrite']);
    try {
      // A folder where the snapshot must go: no snapshot can be put in place.
      await mkdir(path.join(folder, 'snapshot.ndjson', 'in-the-way'), { recursive: true });
      await expect(endpoint.snapshot()).rejects.toThrow();
      expect(warnings.join('\n')).toMatch(/LOCAL DATA IS NOT BEING SAVED/);

      const health = await call(runner.url, '/api/health');
      expect(health.status).toBe(503);
      expect(health.body.error.message).toMatch(/^The local store cannot save data: a snapshot could not be written/);
      const read = await call(runner.url, `/api/customers/${customerId(1)}`, { principal: admin });
      expect(read.status).toBe(200);
      const refused = await call(runner.url, `/api/customers/${customerId(1)}/billing-profile`, {
        method: 'PATCH',
        principal: admin,
        headers: { 'if-match': read.headers.get('etag') ?? '' },
        body: { companyName: 'Not Saved Ltd' },
      });
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('StoreUnavailable');
      expect((await call(runner.url, `/api/customers/${customerId(1)}`, { principal: admin })).body.companyName).toBe(read.body.companyName);

      await rm(path.join(folder, 'snapshot.ndjson'), { recursive: true });
      const deadline = Date.now() + 20_000;
      while ((await call(runner.url, '/api/health')).status !== 200) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(warnings.join('\n')).toMatch(/being saved again/);
      const accepted = await call(runner.url, `/api/customers/${customerId(1)}/billing-profile`, {
        method: 'PATCH',
        principal: admin,
        headers: { 'if-match': read.headers.get('etag') ?? '' },
        body: { companyName: 'Saved Again Ltd' },
      });
      expect(accepted.status).toBe(200);
    } finally {
      await runner.close();
    }
  });
});

/** The value, or a failure that names what was missing. */
function nonNullValue<T>(value: T | null | undefined, name: string): T {
  if (value === null || value === undefined) throw new Error(`${name} is missing.`);
  return value;
}

describe("the local endpoint's query engine", () => {
  it('compiles the FROM clause of the query shapes the stores send without the quadratic copy', () => {
    const queries = [
      'SELECT * FROM c',
      'SELECT TOP 101 c.id, c.sortKey FROM c WHERE c.partnerId = @p AND EXISTS(SELECT VALUE k FROM k IN c.searchKeys WHERE STARTSWITH(k, @s)) ORDER BY c.sortKey ASC, c.id ASC',
      "SELECT TOP 100 * FROM c WHERE c.kind = 'export' AND ((c.status = 'NotStarted' AND c.createdDateTime < @b) OR (c.status = 'Running' AND c.lastUpdatedDateTime < @b))",
    ];
    for (const query of queries) {
      const code = compiledQuery(query);
      // The rewrite is in place (the module patched the engine when it loaded) and left no copy behind.
      expect(code).toContain('.filter((c) => typeof c !== "undefined").map((c) => ({ c: c }))');
      expect(code).not.toMatch(/\[\.\.\.\$, \{\s*c: c/);
    }
    expect(linearFromClause('x')).toBe('x');
  });
});

describe("the local endpoint's change feed", () => {
  it('gives, from a time or from now, the changes of one partition key after each read, each once in its latest version, then 304', async () => {
    const endpoint = await startLocalCosmos({ port: 0 });
    opened.push(endpoint);
    const container = (await serviceOn(endpoint)).store.customers;
    const [partnerA, partnerB] = ['0badc0de-0000-4000-8000-0000000000a1', '0badc0de-0000-4000-8000-0000000000b1'];
    const doc = (id: string, partnerId: string, version: number) => ({ id, partnerId, version });
    await container.items.create(doc('before', partnerA, 1));
    // The start time names a second (HTTP date): begin in the next one, then write in the one after.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 10));
    const start = new Date();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await container.items.create(doc('first', partnerA, 1));
    await container.items.create(doc('other', partnerB, 1));
    const fromTime = container.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Time(start, partnerA), maxItemCount: 1 });
    const fromNow = container.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Now(partnerA) });
    const read = async (iterator: typeof fromTime) => {
      const response = await iterator.readNext();
      return { status: response.statusCode, changes: response.result.map((item: { id: string; version: number }) => [item.id, item.version]) };
    };
    expect(await read(fromTime)).toEqual({ status: 200, changes: [['first', 1]] });
    expect(await read(fromTime)).toEqual({ status: 304, changes: [] });
    expect(await read(fromNow)).toEqual({ status: 304, changes: [] });
    await container.item('first', partnerA).replace(doc('first', partnerA, 2));
    await container.item('first', partnerA).replace(doc('first', partnerA, 3));
    await container.item('other', partnerB).replace(doc('other', partnerB, 2));
    await container.items.create(doc('second', partnerA, 1));
    // One change a page (maxItemCount 1), the latest version of each, then nothing new.
    expect([await read(fromTime), await read(fromTime), await read(fromTime)]).toEqual([
      { status: 200, changes: [['first', 3]] },
      { status: 200, changes: [['second', 1]] },
      { status: 304, changes: [] },
    ]);
    expect(await read(fromNow)).toEqual({
      status: 200,
      changes: [
        ['first', 3],
        ['second', 1],
      ],
    });
    expect(await read(fromNow)).toEqual({ status: 304, changes: [] });
  });
});
