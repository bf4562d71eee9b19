/**
 * Exports that are interrupted: a crash between staging a block and recording it, slices that hand
 * off to a new queue message, and messages the queue gives up on. The finished file must be byte for
 * byte the one an uninterrupted export writes, and an export must never be left Running.
 */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeQueueMessage } from '../../shared/storage/export-queue.js';
import { customerId, fixtureRecords, PROVIDER } from '../support/fixtures.js';
import { call, download, principal, startTestService, type TestService, waitForExport as waitForFinishedExport } from '../support/service.js';

const partner = principal(PROVIDER, ['Customers.Read'], 'ada@provider.example');
const MANY = 400;

/** Enough customers that an export spans dozens of 1 KiB blocks and checkpoints. */
function manyCustomers(): Array<Record<string, unknown>> {
  return Array.from({ length: MANY }, (_unused, index) => {
    const id = customerId(2000 + index);
    return {
      type: 'customer',
      id,
      partnerId: PROVIDER,
      resellerId: null,
      companyName: `Bulk ${['Ärzte', 'Nordic', '"Quoted", Inc', '=SUM(A1)', '東京'][index % 5]} ${String(index).padStart(4, '0')}`,
      domain: `bulk${index}.example.com`,
      relationship: 'Direct reseller',
      companyProfile: { companyName: `Bulk ${index}`, tenantId: id, domain: `bulk${index}.example.com` },
    };
  });
}

async function startService(options: TestServiceOptions = {}): Promise<TestService> {
  const service = await startTestService({ ...options, env: { EXPORT_BLOCK_KIB: '1', EXPORT_PAGE_SIZE: '7', ...options.env } });
  expect((await service.importLines([...fixtureRecords(), ...manyCustomers()])).problems).toEqual([]);
  return service;
}

async function exportCustomers(service: TestService, body: Record<string, unknown> = { type: 'customers' }) {
  const started = await call(service.url, '/api/exports', { method: 'POST', principal: partner, body });
  expect(started.status).toBe(202);
  return started.body.id as string;
}

const waitForExport = (service: TestService, id: string) => waitForFinishedExport(service.url, id, partner);
const downloadBytes = async (url: string) => (await download(url)).bytes;

describe('an export that crashes or hands off', () => {
  let service: TestService;
  let reference: Buffer;

  beforeAll(async () => {
    service = await startService();
    const done = await waitForExport(service, await exportCustomers(service));
    expect(done.status).toBe('Succeeded');
    expect(done.rowCount).toBe(MANY + 16);
    reference = await downloadBytes(done.downloadUrl);
  });
  afterEach(() => service.faults.disarm());
  afterAll(async () => service?.close());

  it('a crash after a staged block, then the retry, gives a byte-identical file', async () => {
    service.faults.arm('export.afterBlockStaged', 5);
    const done = await waitForExport(service, await exportCustomers(service));
    expect(service.faults.thrownCount('export.afterBlockStaged')).toBe(1);
    expect(done.status).toBe('Succeeded');
    expect(done.rowCount).toBe(MANY + 16);
    expect((await downloadBytes(done.downloadUrl)).equals(reference)).toBe(true);
  });

  it('crashes at several points in a row still end in the same file', async () => {
    service.faults.arm('export.afterBlockStaged', 2, 3);
    const done = await waitForExport(service, await exportCustomers(service));
    expect(service.faults.thrownCount('export.afterBlockStaged')).toBe(3);
    expect(done.status).toBe('Succeeded');
    expect((await downloadBytes(done.downloadUrl)).equals(reference)).toBe(true);
  });

  it('a crash just before the commit, then the retry, gives a byte-identical file', async () => {
    service.faults.arm('export.beforeCommit', 1);
    const done = await waitForExport(service, await exportCustomers(service));
    expect(service.faults.thrownCount('export.beforeCommit')).toBe(1);
    expect(done.status).toBe('Succeeded');
    expect((await downloadBytes(done.downloadUrl)).equals(reference)).toBe(true);
  });

  it('a failed upload stops the export at the next page, not at the end of the block being built', async () => {
    // Blocks of 16 KiB: the first is staged after about 115 pages of 2, and the second would take
    // the rest of the file (about 90 pages) to fill.
    let pagesAfterFailure = 0;
    let retried = false;
    const failures = () => faulty.faults.thrownCount('export.afterBlockStaged');
    const faulty = await startService({
      env: { EXPORT_BLOCK_KIB: '16', EXPORT_PAGE_SIZE: '2' },
      ports: ({ customers }) => ({
        customers: Object.assign(Object.create(customers) as typeof customers, {
          streamCustomers: async function* (...args: Parameters<typeof customers.streamCustomers>) {
            // The retry starts again from the top: the first block was never checkpointed.
            if (args[2] === undefined && failures() > 0) retried = true;
            for await (const page of customers.streamCustomers(...args)) {
              if (!retried && failures() > 0) pagesAfterFailure += 1;
              yield page;
            }
          },
        }),
      }),
    });
    try {
      faulty.faults.arm('export.afterBlockStaged', 1);
      const done = await waitForExport(faulty, await exportCustomers(faulty));
      expect(faulty.faults.thrownCount('export.afterBlockStaged')).toBe(1);
      expect(retried).toBe(true);
      // At most one page, asked for before the failure was known, may still be answered (an export
      // holds no pages: each is written as it comes).
      expect(pagesAfterFailure).toBeLessThanOrEqual(1);
      expect(done.status).toBe('Succeeded');
      expect((await downloadBytes(done.downloadUrl)).equals(reference)).toBe(true);
    } finally {
      await faulty.close();
    }
  });

  it('a retried export is recorded once in the activity log', async () => {
    service.faults.arm('export.afterBlockStaged', 3);
    const id = await exportCustomers(service, { type: 'customers', search: 'bulk' });
    expect((await waitForExport(service, id)).status).toBe('Succeeded');
    expect(service.faults.thrownCount('export.afterBlockStaged')).toBe(1);
    const activity = await call(service.url, '/api/activity?operation=ExportCustomers&top=1000', { principal: partner });
    expect(activity.body.value.filter((row: { details: { exportId: string } }) => row.details.exportId === id)).toHaveLength(1);
  });
});

describe('an export sliced into many queue messages', () => {
  let service: TestService;
  let sliceService: TestService;
  afterAll(async () => {
    await service?.close();
    await sliceService?.close();
  });

  it('hands off after every checkpoint and still writes the same bytes', async () => {
    service = await startService();
    const whole = await waitForExport(service, await exportCustomers(service));
    expect(whole.status).toBe('Succeeded');
    const reference = await downloadBytes(whole.downloadUrl);

    // A zero-second slice hands off at every checkpoint: each block is written by a new message.
    // (Pages of 25: a block takes a few pages.)
    sliceService = await startService({ env: { EXPORT_SLICE_SECONDS: '0', EXPORT_PAGE_SIZE: '25' } });
    const sliced = await waitForExport(sliceService, await exportCustomers(sliceService));
    expect(sliced.status).toBe('Succeeded');
    const handOffs = sliceService.logs.filter((line) => line.includes(`Export ${sliced.id} handed off`));
    expect(handOffs.length).toBeGreaterThan(10);
    expect((await downloadBytes(sliced.downloadUrl)).equals(reference)).toBe(true);

    const lines = reference.toString('utf8').split('\r\n');
    expect(lines[0]).toBe('\ufeffMicrosoft ID,Company name,Primary domain name,Relationship');
    expect(lines).toHaveLength(MANY + 16 + 2);
    const ids = lines.slice(1, -1).map((line) => line.slice(0, 36));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('an export the queue gives up on', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService({ host: { maxDequeueCount: 3 } });
  });
  afterEach(() => service.faults.disarm());
  afterAll(async () => service?.close());

  it('after the maximum dequeue count it is Failed with a clear error, never left Running', async () => {
    service.faults.arm('export.afterBlockStaged', 1, Number.POSITIVE_INFINITY);
    const done = await waitForExport(service, await exportCustomers(service));
    expect(done.status).toBe('Failed');
    expect(service.faults.thrownCount('export.afterBlockStaged')).toBe(3);
    expect(done.error).toMatchObject({ code: 'ExportFailed', message: expect.stringContaining('after 3 attempts') });
    expect(done.error.message).not.toContain('Injected crash');
    expect(done.downloadUrl).toBeUndefined();
    expect(done.completedDateTime).toEqual(expect.any(String));
    await service.runner.drainQueues();
    const poison = await service.service.exportQueue.poisonQueue.peekMessages({ numberOfMessages: 32 });
    expect(poison.peekedMessageItems).toHaveLength(0);
    const activity = await call(service.url, '/api/activity?operation=ExportCustomers', { principal: partner });
    expect(activity.body.value.find((row: { details: { exportId: string } }) => row.details.exportId === done.id)).toMatchObject({ status: 'Failed' });
  });

  it('a workbook whose block uploads keep failing ends Failed too, instead of waiting on a zip that will never move', async () => {
    // The workbook waits for its zip to take in each page; a failed upload stops the zip for good.
    service.faults.arm('export.afterBlockStaged', 1, Number.POSITIVE_INFINITY);
    const done = await waitForExport(service, await exportCustomers(service, { type: 'customers', format: 'xlsx' }));
    expect(done.status).toBe('Failed');
    expect(service.faults.thrownCount('export.afterBlockStaged')).toBe(3);
    expect(done.error).toMatchObject({ code: 'ExportFailed', message: expect.stringContaining('after 3 attempts') });
  });

  it('a storage error reaches the client as a stable code and plain words; the raw error goes to the log with the invocation id', async () => {
    const { blobServiceUri, accountKey } = service.service.config.storage;
    const account = new URL(blobServiceUri).pathname.split('/').filter(Boolean)[0] ?? '';
    const container = new BlobServiceClient(blobServiceUri, new StorageSharedKeyCredential(account, accountKey ?? '')).getContainerClient(
      service.service.config.exports.containerName,
    );
    await container.delete();
    try {
      const done = await waitForExport(service, await exportCustomers(service));
      expect(done.status).toBe('Failed');
      expect(done.error.code).toBe('StorageNotFound');
      expect(done.error.message).toMatch(/^The storage the export writes to was not found after 3 attempts; .* Reference: [0-9a-f-]{36}\.$/);
      expect(done.error.message).not.toMatch(/RequestId|Time:|ContainerNotFound|http/i);
      const reference = /Reference: ([0-9a-f-]{36})/.exec(done.error.message)?.[1];
      const logged = service.logs.find((line) => line.includes(`(invocation ${reference})`));
      expect(logged).toMatch(/^error \[exports-worker\] Export .* failed on attempt 3 .*RestError: The specified container does not exist/s);
    } finally {
      await container.createIfNotExists();
    }
  });

  it('a message that reaches the poison queue without the worker seeing its last attempt fails the export', async () => {
    // As after a host timeout: the worker never ran its catch block, the host moved the message.
    service.faults.arm('export.afterBlockStaged', 1, Number.POSITIVE_INFINITY);
    const id = await exportCustomers(service);
    await service.service.exportQueue.poisonQueue.sendMessage(encodeQueueMessage({ exportId: id, partnerId: PROVIDER }));
    const done = await waitForExport(service, id);
    expect(done.status).toBe('Failed');
    expect(done.error.code).toBe('ExportFailed');
  });

  it('a malformed queue message is dropped without harm', async () => {
    await service.service.exportQueue.queue.sendMessage(Buffer.from('not json at all').toString('base64'));
    await service.service.exportQueue.queue.sendMessage(encodeQueueMessage({ exportId: 42 }));
    await service.runner.drainQueues();
    const done = await waitForExport(service, await exportCustomers(service));
    expect(done.status).toBe('Succeeded');
  });
});

describe('an export whose staged blocks Blob storage did not keep', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ queues: false, env: { EXPORT_BLOCK_KIB: '1', EXPORT_PAGE_SIZE: '7' } });
    expect((await service.importLines([...fixtureRecords(), ...manyCustomers()])).problems).toEqual([]);
  });
  afterEach(() => service.faults.disarm());
  afterAll(async () => service?.close());

  it('writes the file again from the start, byte-identical, instead of failing on every commit', async () => {
    const log: string[] = [];
    const run = (id: string) => service.services.exports.runSlice(PROVIDER, id, (line) => log.push(line));
    const whole = await exportCustomers(service);
    await run(whole);
    const reference = await downloadBytes((await waitForExport(service, whole)).downloadUrl);

    const id = await exportCustomers(service);
    service.faults.arm('export.afterBlockStaged', 6);
    await expect(run(id)).rejects.toThrow(/Injected crash/);
    const crashed = nonNullValue(await service.service.ports.exportJobs.getExport(PROVIDER, id), 'export');
    expect(crashed.checkpoint.blockCount).toBeGreaterThanOrEqual(4);
    // As Azurite after a kill -9: the blocks the checkpoint names are gone (a commit of another
    // block list discards the uncommitted ones).
    await service.service.ports.exportFiles.commitBlocks(crashed.blobName, [], { contentType: 'text/plain', contentDisposition: 'inline' });
    expect(await service.service.ports.exportFiles.stagedBlockIds(crashed.blobName)).toEqual([]);

    await run(id);
    const done = await waitForExport(service, id);
    expect(done.status).toBe('Succeeded');
    expect(log.join('\n')).toMatch(new RegExp(`Export ${id}: \\d+ of the ${crashed.checkpoint.blockCount} checkpointed blocks are not staged`));
    expect((await downloadBytes(done.downloadUrl)).equals(reference)).toBe(true);
  });

  it('a Running export nobody has touched for a while is queued again', async () => {
    const id = await exportCustomers(service);
    service.faults.arm('export.afterBlockStaged', 3);
    await expect(service.services.exports.runSlice(PROVIDER, id, () => undefined)).rejects.toThrow(/Injected crash/);
    expect((await service.service.ports.exportJobs.getExport(PROVIDER, id))?.status).toBe('Running');
    await service.service.exportQueue.queue.clearMessages();
    expect(await service.services.exports.requeueStale(3600)).toBe(0);
    const requeued = await service.services.exports.requeueStale(-60);
    expect(requeued).toBeGreaterThanOrEqual(1);
    const messages = await service.service.exportQueue.queue.peekMessages({ numberOfMessages: 32 });
    expect(messages.peekedMessageItems.map((item) => JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')).exportId)).toContain(id);
  });
});

/** The value, or a failure that names what was missing. */
function nonNullValue<T>(value: T | null | undefined, name: string): T {
  if (value === null || value === undefined) throw new Error(`${name} is missing.`);
  return value;
}
