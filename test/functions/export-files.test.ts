/**
 * Files that open right: the reseller columns, activity dates in a named time zone with operations
 * and details in words, descriptive file names, Excel workbooks opened in LibreOffice Calc (typed
 * cells, names in several scripts, continuation sheets), and canceling an export.
 */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerCells, expectedCsv, HEADERS } from '../support/csv-expectations.js';
import { customerId, fixtureRecords, PROVIDER, providerCustomers, RESELLER_A, RESELLER_B } from '../support/fixtures.js';
import { allPages, call, download, principal, startTestService, type TestService, waitForExport as waitForFinishedExport } from '../support/service.js';
import { openInCalc } from '../support/spreadsheet.js';

let service: TestService;
const partner = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');
const resellerA = principal(RESELLER_A, ['Customers.Read'], 'rex@reseller-a.example');
const RESELLER_NAMES: Record<string, string> = { [RESELLER_A]: 'Reseller A', [RESELLER_B]: 'Reseller B' };
const SHEET_ROWS = 7;

beforeAll(async () => {
  service = await startTestService({ env: { EXPORT_BLOCK_KIB: '1', EXPORT_PAGE_SIZE: '3', EXPORT_XLSX_SHEET_ROWS: String(SHEET_ROWS) } });
  expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
  // One rename, so the activity log holds a record with details to read.
  const target = providerCustomers[2];
  const etag = (await call(service.url, `/api/customers/${target.id}`, { principal: partner })).headers.get('etag') ?? '';
  const renamed = await call(service.url, `/api/customers/${target.id}/billing-profile`, {
    method: 'PATCH',
    principal: partner,
    headers: { 'if-match': etag },
    body: { companyName: 'Müller & Töchter GmbH' },
  });
  expect(renamed.status).toBe(200);
});
afterAll(async () => service?.close());

async function exportAndDownload(body: Record<string, unknown>, who = partner) {
  const started = await call(service.url, '/api/exports', { method: 'POST', principal: who, body });
  expect(started.status).toBe(202);
  const done = await waitForFinishedExport(service.url, started.body.id, who);
  expect(done.status).toBe('Succeeded');
  return { started: started.body, done, ...(await download(done.downloadUrl)) };
}

describe('customers file', () => {
  it('includeReseller adds Reseller ID and Reseller name at the end; without it the four columns stay', async () => {
    const { bytes, done } = await exportAndDownload({ type: 'customers', includeReseller: true });
    const listed = (await allPages(service.url, '/api/customers', partner)).rows;
    const rows = listed.map((row) => [...customerCells(row), row.resellerId ?? '', row.resellerId ? RESELLER_NAMES[row.resellerId] : '']);
    expect(bytes.equals(expectedCsv([...HEADERS.customers, 'Reseller ID', 'Reseller name'], rows))).toBe(true);
    expect(done.filter).toEqual({ includeReseller: true });
    const plain = await exportAndDownload({ type: 'customers', includeReseller: false });
    expect(plain.done.filter).toEqual({});
    expect(plain.bytes.equals(expectedCsv(HEADERS.customers, listed.map(customerCells)))).toBe(true);
  });

  it('the file name says what is inside, in the time zone asked for', async () => {
    const started = await call(service.url, '/api/exports', {
      method: 'POST',
      principal: partner,
      body: { type: 'customers', search: 'contoso', resellerId: RESELLER_A, timeZone: 'Asia/Tokyo' },
    });
    const created = new Date(started.body.createdDateTime);
    const tokyo = new Date(created.getTime() + 9 * 3_600_000).toISOString();
    const stamp = `${tokyo.slice(0, 10)} ${tokyo.slice(11, 13)}${tokyo.slice(14, 16)}`;
    expect(started.body.fileName).toBe(`Customers - contoso - Reseller A - ${stamp}.csv`);
    expect(started.body.filter).toEqual({ search: 'contoso', resellerId: RESELLER_A, timeZone: 'Asia/Tokyo' });
    const done = await waitForFinishedExport(service.url, started.body.id, partner);
    const { headers } = await download(done.downloadUrl);
    expect(headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(started.body.fileName)}`);
  });

  it('a time zone that is not an IANA name answers 400 and starts nothing', async () => {
    for (const timeZone of ['Mars/Olympus', '+01:00', '']) {
      const result = await call(service.url, '/api/exports', { method: 'POST', principal: partner, body: { type: 'customers', timeZone } });
      expect(result.status).toBe(400);
      expect(result.body.error.target).toBe('timeZone');
    }
    const format = await call(service.url, '/api/exports', { method: 'POST', principal: partner, body: { type: 'customers', format: 'pdf' } });
    expect(format.body.error.target).toBe('format');
  });
});

describe('activity file', () => {
  it('writes dates as yyyy-mm-dd hh:mm:ss in the time zone asked for, operations and details in words', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const { bytes, done } = await exportAndDownload({ type: 'activity', from, timeZone: 'America/New_York' });
    expect(done.filter.timeZone).toBe('America/New_York');
    const listed = (await allPages(service.url, `/api/activity?from=${encodeURIComponent(done.filter.from)}&to=${encodeURIComponent(done.filter.to)}`, partner))
      .rows;
    const lines = bytes
      .toString('utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Date,Operation,Customer ID,Customer name,User,Status,Details');
    expect(lines).toHaveLength(listed.length + 1);
    const rename = listed.find((row) => row.operation === 'UpdateCustomerCompanyName');
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/New_York', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(rename.dateTime));
    expect(lines).toContain(
      `${local},Rename customer,${rename.customerId},Müller & Töchter GmbH,ada@provider.example,Succeeded,"Renamed ""Müller & Söhne GmbH"" to ""Müller & Töchter GmbH"""`,
    );
    expect(lines.slice(1).every((line) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},/.test(line))).toBe(true);
    expect(bytes.toString('utf8')).not.toContain('UpdateCustomerCompanyName');
    expect(bytes.toString('utf8')).not.toContain('{"');
  });
});

describe('Excel workbooks, opened in LibreOffice Calc', () => {
  it('customers: text cells in every script, no apostrophe, frozen and filtered header', async () => {
    const { bytes, done, headers } = await exportAndDownload({ type: 'customers', format: 'xlsx', includeReseller: true });
    expect(done.format).toBe('xlsx');
    expect(done.fileName).toMatch(/^Customers - all - .*\.xlsx$/);
    expect(headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const listed = (await allPages(service.url, '/api/customers', partner)).rows;
    const sheets = await openInCalc(bytes, 'xlsx');
    // 16 customers on sheets of 7 rows: three sheets, and a last one that says so.
    expect(sheets.map((sheet) => sheet.name)).toEqual(['Customers', 'Customers (2)', 'Customers (3)', 'About']);
    const header = ['Microsoft ID', 'Company name', 'Primary domain name', 'Relationship', 'Reseller ID', 'Reseller name'];
    const dataSheets = sheets.slice(0, 3);
    for (const sheet of dataSheets) expect(sheet.rows[0]?.map((cell) => cell.value)).toEqual(header);
    const rows = dataSheets.flatMap((sheet) => sheet.rows.slice(1));
    expect(dataSheets.map((sheet) => sheet.rows.length - 1)).toEqual([7, 7, 2]);
    expect(rows.map((row) => row[1]?.value)).toEqual(listed.map((row) => row.companyName));
    expect(rows.every((row) => row.every((cell) => cell.type === 'string'))).toBe(true);
    const names = rows.map((row) => row[1]?.value);
    for (const name of ['東京テクノロジー株式会社', 'ООО Ромашка', 'Ελληνική Ναυτιλία', '=HYPERLINK("http://evil.example") Corp', 'Line\nBreak Foods']) {
      expect(names).toContain(name);
    }
    expect(names.some((name) => name?.startsWith("'"))).toBe(false);
    expect(sheets[3]?.rows.map((row) => row[0]?.value).join(' ')).toContain('16 rows continue over 3 sheets');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const first = workbook.getWorksheet('Customers');
    expect(first?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(first?.autoFilter).toBe('A1:F1');
  });

  it('subscriptions: quantities are numbers', async () => {
    const target = providerCustomers[0];
    const { bytes, done } = await exportAndDownload({ type: 'subscriptions', customerId: target.id, format: 'xlsx' });
    expect(done.fileName.startsWith(`Subscriptions - ${target.companyName} - `)).toBe(true);
    const listed = (await allPages(service.url, `/api/customers/${target.id}/subscriptions`, partner)).rows;
    const [sheet] = await openInCalc(bytes, 'xlsx');
    const rows = sheet?.rows.slice(1) ?? [];
    expect(rows.map((row) => [row[2]?.type, Number(row[2]?.value)])).toEqual(listed.map((row) => ['float', row.quantity]));
    expect(rows.map((row) => row[1]?.value)).toEqual(listed.map((row) => row.offerName));
  });

  it('activity: dates are dates, in the time zone asked for', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const { bytes, done } = await exportAndDownload({ type: 'activity', from, timeZone: 'Europe/Berlin', format: 'xlsx' });
    const listed = (await allPages(service.url, `/api/activity?from=${encodeURIComponent(done.filter.from)}&to=${encodeURIComponent(done.filter.to)}`, partner))
      .rows;
    const sheets = await openInCalc(bytes, 'xlsx');
    const rows = sheets.filter((sheet) => sheet.name.startsWith('Activity')).flatMap((sheet) => sheet.rows.slice(1));
    expect(rows).toHaveLength(listed.length);
    const berlin = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'medium' });
    expect(rows.map((row) => row[0])).toEqual(listed.map((row) => ({ type: 'date', value: berlin.format(new Date(row.dateTime)).replace(' ', 'T') })));
    expect(rows.map((row) => row[1]?.value)).toContain('Rename customer');
  });
});

describe('canceling an export', () => {
  it('a queued export ends Canceled at once; canceling it again answers 409; its worker then writes nothing', async () => {
    const quiet = await startTestService({ queues: false });
    try {
      expect((await quiet.importLines(fixtureRecords())).problems).toEqual([]);
      const started = await call(quiet.url, '/api/exports', { method: 'POST', principal: partner, body: { type: 'customers' } });
      const canceled = await call(quiet.url, `/api/exports/${started.body.id}:cancel`, { method: 'POST', principal: partner });
      expect(canceled.status).toBe(200);
      expect(canceled.body).toMatchObject({ id: started.body.id, status: 'Canceled', completedDateTime: expect.any(String) });
      expect(canceled.body.downloadUrl).toBeUndefined();
      const again = await call(quiet.url, `/api/exports/${started.body.id}:cancel`, { method: 'POST', principal: partner });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('ExportEnded');
      await quiet.services.exports.runSlice(PROVIDER, started.body.id, () => undefined);
      expect((await call(quiet.url, `/api/exports/${started.body.id}`, { principal: partner })).body.status).toBe('Canceled');
    } finally {
      await quiet.close();
    }
  });

  it('a running export stops at its next checkpoint and keeps no file, not even its staged blocks', async () => {
    let exportId = '';
    let pages = 0;
    let quietUrl = '';
    // The cancel comes as the third page is read; the worker notices it when its next checkpoint
    // (conditional on the record's ETag) fails, at the end of its first 1 KiB block (about 5 pages
    // of 2 rows), or at the latest as the second block is finished: of the 100 pages the list holds
    // here, the worker reads two blocks' pages, no more.
    const quiet = await startTestService({
      queues: false,
      env: { EXPORT_BLOCK_KIB: '1', EXPORT_PAGE_SIZE: '2' },
      ports: (real) => ({
        customers: Object.assign(Object.create(real.customers), {
          async *streamCustomers(...args: Parameters<typeof real.customers.streamCustomers>) {
            for await (const page of real.customers.streamCustomers(...args)) {
              pages += 1;
              if (exportId && pages === 3) {
                const canceled = await call(quietUrl, `/api/exports/${exportId}:cancel`, { method: 'POST', principal: partner });
                expect(canceled.status).toBe(200);
              }
              yield page;
            }
          },
        }),
      }),
    });
    try {
      quietUrl = quiet.url;
      const more = Array.from({ length: 200 }, (_unused, index) => ({
        type: 'customer',
        id: customerId(5000 + index),
        partnerId: PROVIDER,
        resellerId: null,
        companyName: `Canceled ${String(index).padStart(3, '0')}`,
        domain: `canceled${index}.example.com`,
      }));
      expect((await quiet.importLines([...fixtureRecords(), ...more])).problems).toEqual([]);
      const started = await call(quiet.url, '/api/exports', { method: 'POST', principal: partner, body: { type: 'customers' } });
      exportId = started.body.id as string;
      const logs: string[] = [];
      await quiet.services.exports.runSlice(PROVIDER, exportId, (message) => logs.push(message));
      expect(pages).toBeLessThanOrEqual(15);
      expect(logs.join('\n')).toContain('canceled');
      const job = (await call(quiet.url, `/api/exports/${exportId}`, { principal: partner })).body;
      expect(job.status).toBe('Canceled');
      const { storage, exports } = quiet.service.config;
      const account = new URL(storage.blobServiceUri).pathname.split('/').filter(Boolean)[0] ?? '';
      const blobs = new BlobServiceClient(storage.blobServiceUri, new StorageSharedKeyCredential(account, storage.accountKey ?? ''));
      const stored = await quiet.service.ports.exportJobs.getExport(PROVIDER, exportId);
      const blob = blobs.getContainerClient(exports.containerName).getBlockBlobClient(stored?.blobName ?? '');
      expect(await blob.exists()).toBe(false);
      await expect(blob.getBlockList('all')).rejects.toMatchObject({ statusCode: 404 });
    } finally {
      await quiet.close();
    }
  });

  it("another tenant's export cannot be canceled (404), and a reseller cancels its own", async () => {
    const started = await call(service.url, '/api/exports', { method: 'POST', principal: resellerA, body: { type: 'customers' } });
    expect((await call(service.url, `/api/exports/${started.body.id}:cancel`, { method: 'POST', principal: partner })).status).toBe(404);
    const done = await waitForFinishedExport(service.url, started.body.id, resellerA);
    expect(done.status).toBe('Succeeded');
    expect((await call(service.url, `/api/exports/${started.body.id}:cancel`, { method: 'POST', principal: resellerA })).status).toBe(409);
  });
});
