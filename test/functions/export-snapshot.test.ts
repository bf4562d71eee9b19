/**
 * A customers export is the list as it was when the export was asked for: customers renamed while
 * it runs are neither written twice nor left out, and carry the name they had at its start. The
 * files are written by the service's own writers (CSV and workbook) over the export's own source,
 * with renames made between the pages the writer takes.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerSortKey } from '../../shared/customers/search-keys.js';
import type { ExportCheckpoint } from '../../shared/exports/export-job.js';
import { type ExportCell, type ExportSource, exportSource } from '../../shared/exports/export-sources.js';
import { writeExport } from '../../shared/exports/export-writer.js';
import { writeXlsxExport, XLSX_ATTEMPTS } from '../../shared/exports/xlsx-writer.js';
import type { Cursor } from '../../shared/kernel/page.js';
import { customerCells, expectedCsv, HEADERS } from '../support/csv-expectations.js';
import { customerId, fixtureRecords, PROVIDER, RESELLER_A, RESELLER_B } from '../support/fixtures.js';
import { allPages, call, download, principal, startTestService, type TestService } from '../support/service.js';

let service: TestService;
const writer = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');

beforeAll(async () => {
  service = await startTestService({ queues: false, env: { EXPORT_PAGE_SIZE: '2', EXPORT_BLOCK_KIB: '1' } });
  // Enough customers that an export spans many blocks (about ten rows each here), each one a read
  // of the customers renamed since it started.
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

type Job = Awaited<ReturnType<typeof queuedExport>>;
type Row = { id: string; companyName: string; domain: string; relationship: string };

/**
 * Writes an export's file as the service does (pages of one row, 1 KiB blocks), calling `between`
 * after each page the writer takes (before it asks for the next); returns the outcome, the file and
 * what the writer did: the cursors it opened the source at, its checkpoints, the blocks it staged.
 */
async function writeThrough(
  job: Job,
  between: (page: number) => Promise<void>,
  options: { format?: 'csv' | 'xlsx'; checkpoint?: ExportCheckpoint; handOff?: boolean } = {},
) {
  const { ports } = service.service;
  const format = options.format ?? 'csv';
  const opened: Array<Cursor | undefined> = [];
  const checkpoints: ExportCheckpoint[] = [];
  const staged: string[] = [];
  const logs: string[] = [];
  let page = 0;
  const real = exportSource(ports, job, format);
  const source: ExportSource<ExportCell> = (after, pageSize) => {
    opened.push(after);
    const rows = real(after, pageSize);
    const hooked = (async function* () {
      for await (const result of rows) {
        yield result;
        await between(page);
        page += 1;
      }
    })();
    return Object.assign(hooked, { renamedSinceLastRead: rows.renamedSinceLastRead });
  };
  const files = Object.assign(Object.create(ports.exportFiles) as typeof ports.exportFiles, {
    async stageBlock(blobName: string, blockId: string, bytes: Uint8Array) {
      staged.push(Buffer.from(blockId, 'base64').toString());
      return ports.exportFiles.stageBlock(blobName, blockId, bytes);
    },
  });
  const hooks = {
    saveCheckpoint: async (checkpoint: ExportCheckpoint) => {
      checkpoints.push(checkpoint);
      return true;
    },
    shouldHandOff: () => options.handOff ?? false,
    log: (message: string) => logs.push(message),
  };
  const target = { ...job, checkpoint: options.checkpoint ?? job.checkpoint };
  const settings = { pageSize: 1, blockBytes: 1024 };
  const outcome =
    format === 'xlsx'
      ? await writeXlsxExport(target, source, files, hooks, settings)
      : await writeExport(target, source as ExportSource<string>, files, hooks, settings);
  const file =
    outcome.outcome === 'Completed' ? (await download(await ports.exportFiles.readUrl(job.blobName, new Date(Date.now() + 600_000)))).bytes : undefined;
  return { outcome, file, opened, checkpoints, staged, logs };
}

/** The CSV file of these rows, as the contract writes it. */
const csvOf = (rows: Row[]) => expectedCsv(HEADERS.customers, rows.map(customerCells));

/** A workbook's rows below the header, as plain values. */
async function workbookRows(bytes: Buffer | undefined): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  workbook.getWorksheet('Customers')?.eachRow((row, number) => {
    if (number > 1) rows.push((row.values as unknown[]).slice(1).map((value) => value ?? ''));
  });
  return rows;
}

/** A name that sorts right after `name` and before whatever follows it in the list. */
const justAfter = (name: string) => `${name} zz`;

describe('an export reads the list as of its start', () => {
  it('renames that move customers ahead of, behind or within the pages still read change nothing in the file', async () => {
    const before = (await allPages(service.url, '/api/customers', writer)).rows;
    const job = await queuedExport({ type: 'customers' });
    const [first, second, , , fifth] = before;
    const last = before.at(-1);
    const nextToLast = before.at(-2);
    const middle = before[Math.floor(before.length / 2)];
    const written = await writeThrough(job, async (page) => {
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
    expect(written.outcome.outcome).toBe('Completed');
    expect(written.file).toEqual(csvOf(before));
    // The renames came while the first block was read: it was read again from the start, once.
    expect(written.opened).toEqual([undefined, undefined]);
  });

  it('a searched export keeps a customer that matched at its start, with the name it had, and leaves out one that matches only later', async () => {
    const before = (await allPages(service.url, '/api/customers?search=fabrikam', writer)).rows;
    expect(before.length).toBeGreaterThan(0);
    const outsider = (await allPages(service.url, '/api/customers?search=alpha', writer)).rows[0];
    const job = await queuedExport({ type: 'customers', search: 'fabrikam' });
    expect((await writeThrough(job, async () => undefined)).file).toEqual(csvOf(before));

    const later = await queuedExport({ type: 'customers', search: 'fabrikam' });
    expect((await rename(before[0].id, 'Renamed Away Ltd')).status).toBe(200);
    expect((await rename(outsider.id, 'Fabrikam Newcomer')).status).toBe(200);
    expect((await writeThrough(later, async () => undefined)).file).toEqual(csvOf(before));
  });

  it("a reseller's export keeps its renamed customer as it was and takes in no other reseller's", async () => {
    const before = (await allPages(service.url, `/api/customers?resellerId=${RESELLER_A}`, writer)).rows;
    expect(before.length).toBeGreaterThan(1);
    const other = (await allPages(service.url, `/api/customers?resellerId=${RESELLER_B}`, writer)).rows[0];
    const job = await queuedExport({ type: 'customers', resellerId: RESELLER_A });
    expect((await rename(before.at(-1).id, '000 Reseller A Renamed')).status).toBe(200);
    expect((await rename(other.id, '000 Reseller B Renamed')).status).toBe(200);
    expect((await writeThrough(job, async () => undefined)).file).toEqual(csvOf(before));
  });

  it('a slice that resumes at a checkpoint reads the renames made since the start, before it began too', async () => {
    const before = (await allPages(service.url, '/api/customers', writer)).rows;
    const job = await queuedExport({ type: 'customers' });
    // The first slice writes one block and hands off at the end of the second (as a slice does).
    const first = await writeThrough(job, async () => undefined, { handOff: true });
    expect(first.outcome.outcome).toBe('HandedOff');
    const checkpoint = first.outcome.outcome === 'HandedOff' ? first.outcome.checkpoint : undefined;
    expect(checkpoint?.blockCount).toBe(1);
    // Between the slices: one customer already written moves ahead, one not yet written behind.
    expect((await rename(before[1].id, 'zzz Moved Between Slices')).status).toBe(200);
    expect((await rename(before.at(-3).id, '000 Moved Between Slices')).status).toBe(200);
    // The next slice starts at the checkpoint with a reader of its own; more renames while it runs.
    const second = await writeThrough(
      job,
      async (page) => {
        if (page === 0) {
          expect((await rename(before[2].id, 'zzz Moved During The Second')).status).toBe(200);
          expect((await rename(before.at(-2).id, '!!! Moved During The Second')).status).toBe(200);
        }
      },
      { checkpoint },
    );
    expect(second.outcome.outcome).toBe('Completed');
    expect(second.opened[0]).toEqual(checkpoint?.cursor);
    expect(second.file).toEqual(csvOf(before));
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
  it('a rename while a block is read makes the writer read exactly that block again, and the file is right', async () => {
    const before: Row[] = (await allPages(service.url, '/api/customers?search=snapshot', writer)).rows;
    // Where the blocks end, from an export of the same list with no renames.
    const plain = await writeThrough(await queuedExport({ type: 'customers', search: 'snapshot' }), async () => undefined);
    expect(plain.file).toEqual(csvOf(before));
    const [firstEnd, secondEnd] = plain.checkpoints.map((checkpoint) => checkpoint.rowCount);
    expect(secondEnd - firstEnd).toBeGreaterThan(7);
    // Renamed while the second block is read (its first page taken): one customer further on in
    // that block moves behind the cursor, and one from the first block, already staged, moves
    // into the rest of the second block.
    const behind = before[firstEnd + 3];
    const staged = before[1];
    const intoBlock = justAfter(before[firstEnd + 5].companyName);
    expect(customerSortKey(intoBlock) > customerSortKey(before[firstEnd + 5].companyName)).toBe(true);
    expect(customerSortKey(intoBlock) < customerSortKey(before[firstEnd + 6].companyName)).toBe(true);
    const job = await queuedExport({ type: 'customers', search: 'snapshot' });
    const written = await writeThrough(job, async (page) => {
      if (page === firstEnd) {
        expect((await rename(behind.id, 'Snapshot 000 Moved Behind')).status).toBe(200);
        expect((await rename(staged.id, intoBlock)).status).toBe(200);
      }
    });
    expect(written.outcome.outcome).toBe('Completed');
    expect(written.file).toEqual(csvOf(before));
    // The first block was staged once; the second was dropped before it was staged and read again
    // from the first block's end; every block was staged once, and each checkpoint moved on.
    expect(written.checkpoints[0]).toEqual(plain.checkpoints[0]);
    expect(written.opened).toEqual([undefined, written.checkpoints[0].cursor]);
    expect(written.staged).toEqual([...new Set(written.staged)]);
    expect(written.checkpoints.map((checkpoint) => checkpoint.rowCount)).toEqual(plain.checkpoints.map((checkpoint) => checkpoint.rowCount));
    expect(written.logs).toEqual([expect.stringContaining(`reading it again from row ${firstEnd}`)]);
  });

  it('a workbook written while a customer is renamed is written again, with each customer once and as it was', async () => {
    const before: Row[] = (await allPages(service.url, '/api/customers?search=snapshot', writer)).rows;
    const job = await queuedExport({ type: 'customers', search: 'snapshot', format: 'xlsx' });
    const written = await writeThrough(
      job,
      async (page) => {
        if (page === 2) {
          expect((await rename(before[6].id, 'Snapshot 000 Workbook Behind')).status).toBe(200);
          expect((await rename(before[0].id, justAfter(before[9].companyName))).status).toBe(200);
        }
      },
      { format: 'xlsx' },
    );
    expect(written.outcome.outcome).toBe('Completed');
    expect(await workbookRows(written.file)).toEqual(before.map(customerCells));
    expect(written.opened).toEqual([undefined, undefined]);
    expect(written.logs).toEqual([expect.stringContaining('writing it again')]);
  });

  it(`a workbook whose list is renamed during each of its ${XLSX_ATTEMPTS} writes fails the attempt and commits nothing`, async () => {
    const before: Row[] = (await allPages(service.url, '/api/customers?search=snapshot', writer)).rows;
    const job = await queuedExport({ type: 'customers', search: 'snapshot', format: 'xlsx' });
    let renames = 0;
    const writing = writeThrough(
      job,
      async (page) => {
        if (page % before.length === 1) {
          expect((await rename(before[10 + renames].id, `Snapshot 000 Again ${renames}`)).status).toBe(200);
          renames += 1;
        }
      },
      { format: 'xlsx' },
    );
    await expect(writing).rejects.toThrow(`each of ${XLSX_ATTEMPTS} writes`);
    expect(renames).toBe(XLSX_ATTEMPTS);
    const url = await service.service.ports.exportFiles.readUrl(job.blobName, new Date(Date.now() + 600_000));
    expect((await fetch(url)).status).toBe(404);
  });
});
