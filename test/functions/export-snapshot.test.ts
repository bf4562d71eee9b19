/**
 * A customers export is the list as it was when the export was asked for: customers renamed while
 * it runs are neither written twice nor left out, and carry the name they had at its start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSource, PAGES_PER_RENAME_CHECK } from '../../shared/exports/export-sources.js';
import { customerId, fixtureRecords, PROVIDER, RESELLER_A, RESELLER_B } from '../support/fixtures.js';
import { allPages, call, download, principal, startTestService, type TestService } from '../support/service.js';

let service: TestService;
const writer = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');

beforeAll(async () => {
  service = await startTestService({ queues: false, env: { EXPORT_PAGE_SIZE: '2', EXPORT_BLOCK_KIB: '1' } });
  // Enough customers that an export spans several groups of pages between its reads of the
  // customers renamed since it started (PAGES_PER_RENAME_CHECK pages each).
  const more = Array.from({ length: 160 }, (_unused, index) => ({
    type: 'customer',
    id: customerId(5000 + index),
    partnerId: PROVIDER,
    resellerId: null,
    companyName: `Snapshot ${String(index).padStart(3, '0')} Ltd`,
    domain: `snapshot${index}.example.com`,
  }));
  expect((await service.importLines([...fixtureRecords(), ...more])).problems).toEqual([]);
});
afterAll(async () => service?.close());

const rename = (id: string, companyName: string) =>
  call(service.url, `/api/customers/${id}/billing-profile`, { method: 'PATCH', principal: writer, headers: { 'if-match': '*' }, body: { companyName } });

async function queuedExport(body: Record<string, unknown>) {
  const started = await call(service.url, '/api/exports', { method: 'POST', principal: writer, body });
  expect(started.status).toBe(202);
  const job = await service.service.ports.exportJobs.getExport(PROVIDER, started.body.id);
  if (!job) throw new Error('export missing');
  return job;
}

/** Reads an export's source (one stream) a row a page, calling `between` after each page. */
async function readSource(job: Parameters<typeof exportSource>[1], between: (page: number) => Promise<void>) {
  const rows: unknown[][] = [];
  let page = 0;
  for await (const result of exportSource(service.service.ports, job, 'csv')(undefined, 1)) {
    rows.push(...result.rows);
    await between(page);
    page += 1;
  }
  return rows;
}

describe('an export reads the list as of its start', () => {
  it('renames that move customers ahead of, behind or within the pages still read change nothing in the file', async () => {
    const before = (await allPages(service.url, '/api/customers', writer)).rows;
    const job = await queuedExport({ type: 'customers' });
    const [first, second, , , fifth] = before;
    const last = before.at(-1);
    const nextToLast = before.at(-2);
    const middle = before[Math.floor(before.length / 2)];
    const rows = await readSource(job, async (page) => {
      if (page === 0) {
        // Already written, renamed to the far end: must not come again.
        expect((await rename(first.id, 'zzz Moved To The End')).status).toBe(200);
        // Not yet read, renamed to the front (behind the cursor): must not be lost.
        expect((await rename(last.id, '000 Moved To The Front')).status).toBe(200);
        // Not yet read, renamed twice, ending elsewhere ahead.
        expect((await rename(middle.id, 'aaa First Rename')).status).toBe(200);
        expect((await rename(middle.id, 'yyy Second Rename')).status).toBe(200);
      }
      if (page === 1) {
        expect((await rename(second.id, 'Contoso Second Again')).status).toBe(200);
        expect((await rename(fifth.id, '!!! In Front Of All')).status).toBe(200);
        expect((await rename(nextToLast.id, 'yyz Just Ahead')).status).toBe(200);
      }
    });
    expect(rows).toEqual(before.map((row) => [row.id, row.companyName, row.domain, row.relationship]));
  });

  it('a searched export keeps a customer that matched at its start, with the name it had, and leaves out one that matches only later', async () => {
    const before = (await allPages(service.url, '/api/customers?search=fabrikam', writer)).rows;
    expect(before.length).toBeGreaterThan(0);
    const outsider = (await allPages(service.url, '/api/customers?search=alpha', writer)).rows[0];
    const job = await queuedExport({ type: 'customers', search: 'fabrikam' });
    const rows = await readSource(job, async () => undefined);
    expect(rows).toEqual(before.map((row) => [row.id, row.companyName, row.domain, row.relationship]));

    const later = await queuedExport({ type: 'customers', search: 'fabrikam' });
    expect((await rename(before[0].id, 'Renamed Away Ltd')).status).toBe(200);
    expect((await rename(outsider.id, 'Fabrikam Newcomer')).status).toBe(200);
    const rowsAfterRenames = await readSource(later, async () => undefined);
    expect(rowsAfterRenames).toEqual(before.map((row) => [row.id, row.companyName, row.domain, row.relationship]));
  });

  it("a reseller's export keeps its renamed customer as it was and takes in no other reseller's", async () => {
    const before = (await allPages(service.url, `/api/customers?resellerId=${RESELLER_A}`, writer)).rows;
    expect(before.length).toBeGreaterThan(1);
    const other = (await allPages(service.url, `/api/customers?resellerId=${RESELLER_B}`, writer)).rows[0];
    const job = await queuedExport({ type: 'customers', resellerId: RESELLER_A });
    expect((await rename(before.at(-1).id, '000 Reseller A Renamed')).status).toBe(200);
    expect((await rename(other.id, '000 Reseller B Renamed')).status).toBe(200);
    const rows = await readSource(job, async () => undefined);
    expect(rows).toEqual(before.map((row) => [row.id, row.companyName, row.domain, row.relationship]));
  });

  it('a slice that resumes at a cursor reads the renames made since the start, before it began too', async () => {
    const before = (await allPages(service.url, '/api/customers', writer)).rows;
    const job = await queuedExport({ type: 'customers' });
    const source = exportSource(service.service.ports, job, 'csv');
    const rows: unknown[][] = [];
    let cursor: [string, string] | undefined;
    // The first slice writes one group of pages and ends there (as a hand-off does).
    for await (const page of source(undefined, 1)) {
      rows.push(...page.rows);
      cursor = page.cursor;
      if (rows.length === PAGES_PER_RENAME_CHECK) break;
    }
    // Between the slices: one customer already written moves ahead, one not yet written behind.
    expect((await rename(before[1].id, 'zzz Moved Between Slices')).status).toBe(200);
    expect((await rename(before.at(-3).id, '000 Moved Between Slices')).status).toBe(200);
    // The next slice starts at the cursor with a reader of its own; more renames while it runs.
    let renamedDuring = false;
    for await (const page of source(cursor, 1)) {
      rows.push(...page.rows);
      if (!renamedDuring) {
        renamedDuring = true;
        expect((await rename(before[2].id, 'zzz Moved During The Second')).status).toBe(200);
        expect((await rename(before.at(-2).id, '!!! Moved During The Second')).status).toBe(200);
      }
    }
    expect(rows).toEqual(before.map((row) => [row.id, row.companyName, row.domain, row.relationship]));
  });

  it('the whole export, with renames running while it writes, has every customer exactly once', async () => {
    const before = (await allPages(service.url, '/api/customers', writer)).rows;
    const job = await queuedExport({ type: 'customers' });
    let done = false;
    const renames = (async () => {
      for (let round = 0; !done && round < 200; round += 1) {
        const customer = before[(round * 7) % before.length];
        await rename(customer.id, round % 2 ? `000 Front ${round}` : `zzz End ${round}`);
      }
    })();
    await service.services.exports.runSlice(PROVIDER, job.id, () => undefined);
    done = true;
    await renames;
    const finished = await call(service.url, `/api/exports/${job.id}`, { principal: writer });
    expect(finished.body.status).toBe('Succeeded');
    const text = (await download(finished.body.downloadUrl)).bytes.toString('utf8');
    const ids = text
      .split('\r\n')
      .slice(1, -1)
      .map((line) => line.slice(0, 36));
    expect(ids).toEqual(before.map((row) => row.id));
  });
});
