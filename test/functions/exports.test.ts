import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailsAsText } from '../../shared/exports/export-text.js';
import { activityCells, customerCells, expectedCsv, HEADERS, subscriptionCells } from '../support/csv-expectations.js';
import { fixtureRecords, OTHER_PARTNER, otherPartnerCustomers, PROVIDER, providerCustomers, RESELLER_A, RESELLER_B } from '../support/fixtures.js';
import { allPages, call, download, principal, startTestService, type TestService, waitForExport as waitForFinishedExport } from '../support/service.js';

let service: TestService;
const partner = principal(PROVIDER, ['Customers.Read'], 'ada@provider.example');
const resellerA = principal(RESELLER_A, ['Customers.Read'], 'rex@reseller-a.example');

beforeAll(async () => {
  // Small blocks and pages so even this data set spans many blocks and checkpoints.
  service = await startTestService({ env: { EXPORT_BLOCK_KIB: '1', EXPORT_PAGE_SIZE: '3' } });
  expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
});
afterAll(async () => service?.close());

async function startExport(body: unknown, who = partner, headers: Record<string, string> = {}) {
  return call(service.url, '/api/exports', { method: 'POST', principal: who, body, headers });
}

const waitForExport = (id: string, who = partner) => waitForFinishedExport(service.url, id, who);

async function exportAndDownload(body: unknown, who = partner) {
  const started = await startExport(body, who);
  expect(started.status).toBe(202);
  const done = await waitForExport(started.body.id, who);
  expect(done.status).toBe('Succeeded');
  return { done, ...(await download(done.downloadUrl)) };
}

describe('POST /api/exports (customers)', () => {
  it('answers 202 with Operation-Location, Retry-After and the export, which then succeeds', async () => {
    const started = await startExport({ type: 'customers' });
    expect(started.status).toBe(202);
    // No PUBLIC_BASE_URL in this service: the link is relative (never built from Host).
    expect(started.headers.get('operation-location')).toBe(`/api/exports/${started.body.id}`);
    expect(Number(started.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(started.body).toMatchObject({ id: expect.any(String), type: 'customers', filter: {}, status: 'NotStarted', rowCount: 0 });
    expect(started.body.fileName).toMatch(/^Customers - all - \d{4}-\d{2}-\d{2} \d{4}\.csv$/);
    expect(started.body).toMatchObject({ format: 'csv', requestedBy: 'ada@provider.example' });
    expect(started.body.downloadUrl).toBeUndefined();
    const done = await waitForExport(started.body.id);
    expect(done).toMatchObject({
      status: 'Succeeded',
      rowCount: providerCustomers.length,
      expectedRowCount: providerCustomers.length,
      completedDateTime: expect.any(String),
    });
    expect(new Date(done.downloadUrlExpiresDateTime).getTime() - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    expect(new Date(done.fileExpiresDateTime).getTime()).toBeGreaterThan(Date.now());
  });

  it("writes the whole list, byte for byte in the contract's format, in the search's order", async () => {
    const { bytes, headers, done } = await exportAndDownload({ type: 'customers' });
    const listed = (await allPages(service.url, '/api/customers', partner)).rows;
    expect(bytes.toString('utf8')).toBe(expectedCsv(HEADERS.customers, listed.map(customerCells)).toString('utf8'));
    expect(bytes.equals(expectedCsv(HEADERS.customers, listed.map(customerCells)))).toBe(true);
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(headers.get('content-disposition')).toBe(
      `attachment; filename="${done.fileName}"; filename*=UTF-8''${encodeURIComponent(done.fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    );
    const text = bytes.toString('utf8');
    expect(text.startsWith('\ufeffMicrosoft ID,Company name,Primary domain name,Relationship\r\n')).toBe(true);
    expect(text).toContain('"Smith, Jones & ""Partners"""');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"") Corp"`);
    expect(text).toContain('"Line\nBreak Foods"');
    expect(text).toContain('東京テクノロジー株式会社');
    expect(text.split('\r\n')).toHaveLength(providerCustomers.length + 2);
  });

  it.each([
    [{ search: 'contoso' }, '/api/customers?search=contoso'],
    [{ search: 'MULLER' }, '/api/customers?search=MULLER'],
    [{ resellerId: RESELLER_B }, `/api/customers?resellerId=${RESELLER_B}`],
    [{ search: 'c', resellerId: RESELLER_A }, `/api/customers?search=c&resellerId=${RESELLER_A}`],
  ])('exports the very rows the matching search lists: %o', async (filter, listPath) => {
    const { bytes, done } = await exportAndDownload({ type: 'customers', ...filter });
    const listed = (await allPages(service.url, listPath, partner)).rows;
    expect(listed.length).toBeGreaterThan(0);
    expect(done.filter).toEqual(filter);
    expect(done.rowCount).toBe(listed.length);
    expect(bytes.equals(expectedCsv(HEADERS.customers, listed.map(customerCells)))).toBe(true);
  });

  it('an indirect reseller exports only its own customers', async () => {
    const { bytes } = await exportAndDownload({ type: 'customers' }, resellerA);
    const listed = (await allPages(service.url, '/api/customers', resellerA)).rows;
    expect(listed.every((row) => row.resellerId === RESELLER_A)).toBe(true);
    expect(bytes.equals(expectedCsv(HEADERS.customers, listed.map(customerCells)))).toBe(true);
  });

  it('an empty result is a file with only the header row', async () => {
    const { bytes, done } = await exportAndDownload({ type: 'customers', search: 'zzz-no-such-customer' });
    expect(done.rowCount).toBe(0);
    expect(bytes.equals(expectedCsv(HEADERS.customers, []))).toBe(true);
  });

  it('a rename shows in the next export at once', async () => {
    const target = providerCustomers[14];
    const writer = principal(PROVIDER, ['Customers.ReadWrite']);
    const etag = (await call(service.url, `/api/customers/${target.id}`, { principal: writer })).headers.get('etag') ?? '';
    await call(service.url, `/api/customers/${target.id}/billing-profile`, {
      method: 'PATCH',
      principal: writer,
      headers: { 'if-match': etag },
      body: { companyName: '@Renamed For Export' },
    });
    const { bytes } = await exportAndDownload({ type: 'customers', search: 'renamed' });
    expect(bytes.toString('utf8')).toContain(`${target.id},"'@Renamed For Export",`);
  });
});

describe('POST /api/exports (subscriptions and activity)', () => {
  it("exports one customer's subscriptions as the API lists them", async () => {
    const target = providerCustomers[0];
    const { bytes, done } = await exportAndDownload({ type: 'subscriptions', customerId: target.id.toUpperCase() });
    expect(done.filter).toEqual({ customerId: target.id });
    expect(done.fileName.startsWith(`Subscriptions - ${target.companyName} - `)).toBe(true);
    expect(done.fileName).toMatch(/ - \d{4}-\d{2}-\d{2} \d{4}\.csv$/);
    expect(done.expectedRowCount).toBe(done.rowCount);
    const listed = (await allPages(service.url, `/api/customers/${target.id}/subscriptions`, partner)).rows;
    expect(bytes.equals(expectedCsv(HEADERS.subscriptions, listed.map(subscriptionCells)))).toBe(true);
  });

  it("a reseller's subscriptions export holds only what it sells", async () => {
    const own = providerCustomers.find((c) => c.resellerId === RESELLER_A);
    const { bytes } = await exportAndDownload({ type: 'subscriptions', customerId: own?.id }, resellerA);
    const lines = bytes.toString('utf8').trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((line) => line.endsWith(`,${RESELLER_A}`))).toBe(true);
  });

  it('exports the activity log for a range, newest first, optionally for one customer', async () => {
    const { bytes, done } = await exportAndDownload({ type: 'activity', from: new Date(Date.now() - 86_400_000).toISOString() });
    expect(done.filter.from).toBeDefined();
    expect(done.filter.to).toBeDefined();
    const listed = (await allPages(service.url, `/api/activity?from=${encodeURIComponent(done.filter.from)}&to=${encodeURIComponent(done.filter.to)}`, partner))
      .rows;
    expect(listed.length).toBeGreaterThan(0);
    const expected = expectedCsv(
      HEADERS.activity,
      listed.map((row) => activityCells(row, detailsAsText)),
    );
    expect(bytes.equals(expected)).toBe(true);
    const target = providerCustomers[14];
    const one = await exportAndDownload({ type: 'activity', customerId: target.id });
    const lines = one.bytes.toString('utf8').trim().split('\r\n');
    expect(lines.slice(1).every((line) => line.includes(target.id))).toBe(true);
    expect(lines.length).toBeGreaterThan(1);
  });

  it('every finished export is in the activity log, with its user', async () => {
    const { rows } = await allPages(service.url, '/api/activity?operation=ExportSubscriptions', partner);
    expect(rows.length).toBeGreaterThan(0);
    const record = rows.find((row) => row.customerId === providerCustomers[0].id && row.user === 'ada@provider.example');
    expect(record).toMatchObject({
      operation: 'ExportSubscriptions',
      status: 'Succeeded',
      user: 'ada@provider.example',
      customerName: providerCustomers[0].companyName,
    });
    expect(record.details).toMatchObject({ exportId: expect.any(String), rowCount: 3 });
  });
});

describe('export requests that are wrong', () => {
  it.each([
    [{ type: 'planets' }, 'type'],
    [{}, 'type'],
    [{ type: 'subscriptions' }, 'customerId'],
    [{ type: 'customers', unexpected: true }, undefined],
    [{ type: 'customers', search: 42 }, 'search'],
    [{ type: 'activity', from: 'last week' }, 'from'],
    [{ type: 'activity', from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'from'],
    [{ type: 'activity', from: '2024-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'to'],
  ])('%o answers 400', async (body, target) => {
    const before = (await allPages(service.url, '/api/exports', partner)).rows.length;
    const result = await startExport(body);
    expect(result.status).toBe(400);
    if (target) expect(result.body.error.target).toBe(target);
    expect((await allPages(service.url, '/api/exports', partner)).rows.length).toBe(before);
  });

  it('a subscriptions export of a customer outside the scope answers 404', async () => {
    expect((await startExport({ type: 'subscriptions', customerId: otherPartnerCustomers[0].id })).status).toBe(404);
    const foreign = providerCustomers.find((c) => c.resellerId === RESELLER_B);
    expect((await startExport({ type: 'subscriptions', customerId: foreign?.id }, resellerA)).status).toBe(404);
  });

  it('non-JSON answers 415, over 64 KiB 413, no principal 401', async () => {
    expect(
      (await call(service.url, '/api/exports', { method: 'POST', principal: partner, body: 'type=customers', headers: { 'content-type': 'text/plain' } }))
        .status,
    ).toBe(415);
    expect((await startExport({ type: 'customers', search: 'x'.repeat(70_000) })).status).toBe(413);
    expect((await call(service.url, '/api/exports', { method: 'POST', body: { type: 'customers' } })).status).toBe(401);
  });
});

describe('reading exports', () => {
  it('Repeatability-Request-ID returns the same export for a retried POST', async () => {
    const headers = { 'repeatability-request-id': 'retry-me-1', 'repeatability-first-sent': new Date().toUTCString() };
    const first = await startExport({ type: 'customers', search: 'zeta' }, partner, headers);
    const second = await startExport({ type: 'customers', search: 'zeta' }, partner, headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    const different = await startExport({ type: 'customers', search: 'other' }, partner, headers);
    expect(different.status).toBe(409);
    const otherTenant = await startExport({ type: 'customers', search: 'zeta' }, resellerA, headers);
    expect(otherTenant.body.id).not.toBe(first.body.id);
  });

  it("lists the caller's exports newest first, paged; a reseller sees only its own", async () => {
    const { rows, pages } = await allPages(service.url, '/api/exports?top=2', partner);
    expect(pages).toBeGreaterThan(1);
    const created = rows.map((row) => row.createdDateTime);
    expect([...created].sort().reverse()).toEqual(created);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
    const resellerRows = (await allPages(service.url, '/api/exports', resellerA)).rows;
    expect(resellerRows.length).toBeGreaterThan(0);
    expect(resellerRows.some((row) => rows.some((partnerRow) => partnerRow.id === row.id))).toBe(false);
  });

  it("another partner's or reseller's export answers 404", async () => {
    const [mine] = (await allPages(service.url, '/api/exports', partner)).rows;
    expect((await call(service.url, `/api/exports/${mine.id}`, { principal: principal(OTHER_PARTNER) })).status).toBe(404);
    expect((await call(service.url, `/api/exports/${mine.id}`, { principal: resellerA })).status).toBe(404);
    expect((await call(service.url, `/api/exports/${crypto.randomUUID()}`, { principal: partner })).status).toBe(404);
    expect((await call(service.url, '/api/exports/no-such-export', { principal: partner })).status).toBe(400);
  });

  it('the download link reads that one blob only, and a forged signature is refused', async () => {
    const { done } = await exportAndDownload({ type: 'customers', search: 'alpha' });
    const url = new URL(done.downloadUrl);
    expect(url.searchParams.get('sp')).toBe('r');
    const forged = new URL(url);
    forged.searchParams.set('sig', Buffer.from('forged').toString('base64'));
    expect((await fetch(forged)).status).toBe(403);
    const widened = new URL(url);
    widened.searchParams.set('sp', 'rw');
    expect((await fetch(widened)).status).toBe(403);
    const otherBlob = new URL(url);
    otherBlob.pathname = otherBlob.pathname.replace(/[^/]+$/, 'other.csv');
    expect((await fetch(otherBlob)).status).toBe(403);
    const write = await fetch(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'overwrite' });
    expect(write.status).toBe(403);
    const list = new URL(url);
    list.pathname = list.pathname.split('/').slice(0, 3).join('/');
    list.searchParams.set('restype', 'container');
    list.searchParams.set('comp', 'list');
    expect((await fetch(list)).status).toBe(403);
  });

  it('each GET mints a fresh link', async () => {
    const [mine] = (await allPages(service.url, '/api/exports', partner)).rows.filter((row) => row.status === 'Succeeded');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await call(service.url, `/api/exports/${mine.id}`, { principal: partner });
    expect(again.body.downloadUrlExpiresDateTime > mine.downloadUrlExpiresDateTime).toBe(true);
  });
});
