/**
 * How many calls each operation makes to Cosmos DB, counted at a local endpoint of this file's own
 * (so no other test file's calls mix in). The counts are what the README's layout section states:
 * a search page is the SDK's query-plan request plus the query, a detail is one point read, a
 * rename is four calls (see renameCustomer), and an export reads each slice with one query (and,
 * every ten pages, the customers renamed since it started).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startCosmosEndpoint } from '../../shared/host/local-stack.js';
import { customerId, fixtureRecords, PROVIDER } from '../support/fixtures.js';
import { call, principal, startTestService, type TestService } from '../support/service.js';

const writer = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');
const ROWS = 300;
const PAGE_SIZE = 50;

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
      EXPORT_BLOCK_KIB: '1024',
      // No look for a cancel while this export runs, however slow the machine: its calls are counted.
      EXPORT_CANCEL_CHECK_MILLISECONDS: '3600000',
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

  it('an export reads its rows with one query: a plan, then one call a page', async () => {
    let polls = 0;
    const exportCalls = await callsOf(async () => {
      const started = await call(service.url, '/api/exports', { method: 'POST', principal: writer, body: { type: 'customers', search: 'counted' } });
      expect(started.status).toBe(202);
      for (;;) {
        polls += 1;
        const exportJob = await call(service.url, `/api/exports/${started.body.id}`, { principal: writer });
        if (exportJob.body.status === 'Succeeded') break;
        expect(exportJob.body.status).toMatch(/^(NotStarted|Running)$/);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The slice gives its running place back after it marked the export Succeeded: wait for it.
      await service.runner.drainQueues();
    });
    // Besides the rows: create the record; in the worker read it, count its rows (a plan and the
    // COUNT), mark it Running, mark it Succeeded and write its activity record; and one point read
    // per poll. Fair use adds a read and a write of the tenant's export places when it is asked
    // for, and of its running places when a slice starts and when it ends. A page-at-a-time query
    // would add a plan for every page.
    const bookkeeping = 7 + 2 + 4 + polls;
    // The rows: one plan, one call a page, and per ten pages one query (plan and call) for the
    // customers renamed since the export started.
    const pages = ROWS / PAGE_SIZE;
    expect(exportCalls - bookkeeping).toBe(1 + pages + 2 * Math.ceil(pages / 10));
  });
});
