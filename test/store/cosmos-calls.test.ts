/**
 * How many calls each operation makes to Cosmos DB, counted at a local endpoint of this file's own
 * (so no other test file's calls mix in). The counts are what the README's layout section states:
 * a search page is the SDK's query-plan request plus the query, a detail is one point read, a
 * rename is four calls (see renameCustomer), and an export reads each slice with one query and
 * the partner's change feed (the customers renamed since it started) as the slice starts and before
 * each block is staged. From the export's parts, measured here, follows its cost at a million rows,
 * which must stay within the target of 1.05 calls per 1,000 rows.
 */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_BYTES, SOURCE_PAGE_SIZE } from '../../shared/exports/export-writer.js';
import { type RunningServer, startCosmosEndpoint } from '../../shared/host/local-stack.js';
import { customerId, fixtureRecords, PROVIDER } from '../support/fixtures.js';
import { call, principal, startTestService, type TestService } from '../support/service.js';

const writer = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');
const ROWS = 300;
// Pages of 5 and blocks of 4 KiB: the export spans several blocks (a change feed read and a
// checkpoint each), so every part of its cost is counted.
const PAGE_SIZE = 5;
const BLOCK_KIB = 4;
/** The size of the million-row customers file of the export benchmark (README, Benchmarks). */
const MILLION_ROW_FILE_BYTES = 108_000_000;
const TARGET_CALLS_PER_1000_ROWS = 1.05;

let endpoint: RunningServer;
let service: TestService;

/** Cosmos calls made while `operation` runs. */
async function callsOf(operation: () => Promise<unknown>): Promise<number> {
  const before = endpoint.requests();
  await operation();
  return endpoint.requests() - before;
}

beforeAll(async () => {
  endpoint = await startCosmosEndpoint(0);
  service = await startTestService({
    env: {
      COSMOS_ENDPOINT: `https://127.0.0.1:${endpoint.port}`,
      EXPORT_PAGE_SIZE: String(PAGE_SIZE),
      EXPORT_BLOCK_KIB: String(BLOCK_KIB),
    },
  });
  const customers = Array.from({ length: ROWS }, (_unused, index) => {
    const id = customerId(3000 + index);
    const name = `Counted ${String(index).padStart(4, '0')}`;
    return { type: 'customer', id, partnerId: PROVIDER, resellerId: null, companyName: name, domain: `counted${index}.example.com` };
  });
  expect((await service.importLines([...fixtureRecords(), ...customers])).problems).toEqual([]);
  // The first request reads the account, the database and container metadata and the caller's
  // tenant; those are cached by the SDK and the tenant store afterwards.
  expect((await call(service.url, '/api/customers?search=counted&top=5', { principal: writer })).status).toBe(200);
  expect((await call(service.url, `/api/customers/${customerId(3000)}`, { principal: writer })).status).toBe(200);
});
afterAll(async () => {
  await service?.close();
  await endpoint?.close();
});

describe('Cosmos DB calls per operation', () => {
  it('a search page is two calls: the query plan and the query', async () => {
    expect(await callsOf(() => call(service.url, '/api/customers?search=counted&top=50', { principal: writer }))).toBe(2);
  });

  it('a customer detail is one point read', async () => {
    expect(await callsOf(() => call(service.url, `/api/customers/${customerId(3001)}`, { principal: writer }))).toBe(1);
  });

  it('a rename is four calls: read, pending activity record, conditional replace, completed record', async () => {
    const id = customerId(3002);
    const etag = (await call(service.url, `/api/customers/${id}`, { principal: writer })).headers.get('etag') ?? '';
    const rename = () =>
      call(service.url, `/api/customers/${id}/billing-profile`, {
        method: 'PATCH',
        principal: writer,
        headers: { 'if-match': etag },
        body: { companyName: 'Counted renamed' },
      });
    expect(await callsOf(rename)).toBe(4);
  });

  it('an export is a plan and a call a page, a change feed read a block, a checkpoint a block, and its bookkeeping: within 1.05 calls per 1,000 rows at a million', async () => {
    // The change feed is read from the second before the export's start (see watchRenamedSince):
    // a customer written in those seconds (the rename above) would cost a read more, then be
    // dropped. Counted here is the usual case, nothing written in the seconds before.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    let polls = 0;
    let exportId = '';
    const exportCalls = await callsOf(async () => {
      const started = await call(service.url, '/api/exports', { method: 'POST', principal: writer, body: { type: 'customers', search: 'counted' } });
      expect(started.status).toBe(202);
      exportId = started.body.id;
      for (;;) {
        polls += 1;
        const exportJob = await call(service.url, `/api/exports/${exportId}`, { principal: writer });
        if (exportJob.body.status === 'Succeeded') break;
        expect(exportJob.body.status).toMatch(/^(NotStarted|Running)$/);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The slice gives its running place back after it marked the export Succeeded: wait for it.
      await service.runner.drainQueues();
    });
    const job = await service.service.ports.exportJobs.getExport(PROVIDER, exportId);
    expect(job?.rowCount).toBe(ROWS);
    // Checkpoints: one per staged block but the last, unless the rows end exactly at a block's end
    // (then that block is checkpointed too). The blocks are those of the committed file.
    const checkpoints = job?.checkpoint.blockCount ?? 0;
    expect(checkpoints).toBeGreaterThan(2);
    const { storage, exports } = service.service.config;
    const account = new URL(storage.blobServiceUri).pathname.split('/').filter(Boolean)[0] ?? '';
    const blobs = new BlobServiceClient(storage.blobServiceUri, new StorageSharedKeyCredential(account, storage.accountKey ?? ''));
    const blockList = await blobs
      .getContainerClient(exports.containerName)
      .getBlockBlobClient(job?.blobName ?? '')
      .getBlockList('committed');
    const blocks = blockList.committedBlocks?.length ?? 0;
    expect(blocks - checkpoints).toBeGreaterThanOrEqual(0);
    expect(blocks - checkpoints).toBeLessThanOrEqual(1);

    // Besides the rows: create the record; in the worker read it, count its rows (a plan and the
    // COUNT), mark it Running, mark it Succeeded and write its activity record; and one point read
    // per poll (the client's, not the export's). Fair use adds a read and a write of the tenant's
    // export places when it is asked for, and of its running places when a slice starts and when
    // it ends. A cancel costs no call of its own: the next checkpoint's If-Match notices it.
    const bookkeeping = 7 + 2 + 4;
    // The rows: one plan and one call a page. The change feed: the reader reads the container as
    // it starts, reads the feed once before the first page, and once before each block is staged
    // (a redo would add more; nobody renames here).
    const pages = ROWS / PAGE_SIZE;
    const renameChecks = 1 + 1 + blocks;
    expect(exportCalls - polls).toBe(bookkeeping + 1 + pages + renameChecks + checkpoints);

    // The same parts at a million rows, one slice, pages of SOURCE_PAGE_SIZE and blocks of BLOCK_BYTES.
    const millionPages = 1_000_000 / SOURCE_PAGE_SIZE;
    const millionBlocks = Math.ceil(MILLION_ROW_FILE_BYTES / BLOCK_BYTES);
    const millionCalls = bookkeeping + 1 + millionPages + (1 + 1 + millionBlocks) + (millionBlocks - 1);
    expect(millionCalls).toBe(1041);
    expect(millionCalls / 1000).toBeLessThanOrEqual(TARGET_CALLS_PER_1000_ROWS);
  });
});
