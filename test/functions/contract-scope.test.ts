/**
 * Contract conformance of reseller scoping, probed as one indirect reseller trying to see another's
 * customers through every endpoint that takes an id or a filter: exports of another reseller's
 * list or a customer's activity, schedules naming another reseller's customer, the provider's own
 * exports, and an ended export's cancel. Nothing of the other reseller may show, not even a name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPages, call, download, principal, startTestService, type TestService, waitForExport } from '../support/service.js';

const PROVIDER = '5c0be000-0000-4000-8000-000000000001';
const RESELLER_ONE = '5c0be000-0000-4000-8000-000000000002';
const RESELLER_TWO = '5c0be000-0000-4000-8000-000000000003';
const ONE_CUSTOMER = '5c0be000-1111-4111-8111-000000000001';
const TWO_CUSTOMER = '5c0be000-1111-4111-8111-000000000002';
const TWO_SECRET_NAME = 'Zebulon Secret Holdings';

let service: TestService;
const provider = principal(PROVIDER, ['Customers.ReadWrite'], 'pat@provider.example');
const one = principal(RESELLER_ONE, ['Customers.ReadWrite'], 'olga@one.example');

beforeAll(async () => {
  service = await startTestService();
  const customer = (id: string, resellerId: string, companyName: string) => ({
    type: 'customer',
    id,
    partnerId: PROVIDER,
    resellerId,
    companyName,
    domain: `${id.slice(-4)}.example`,
    relationship: 'Indirect reseller',
    companyProfile: { companyName, tenantId: id, domain: `${id.slice(-4)}.example` },
  });
  const records = [
    { type: 'partner', id: PROVIDER, name: 'Scope Provider' },
    { type: 'reseller', id: RESELLER_ONE, partnerId: PROVIDER, name: 'Reseller One' },
    { type: 'reseller', id: RESELLER_TWO, partnerId: PROVIDER, name: 'Reseller Two' },
    customer(ONE_CUSTOMER, RESELLER_ONE, 'Ordinary One Ltd'),
    // Equal names (in case and accents only), ids out of order: the export must keep the list's order.
    ...['9', '3', '7', '1', '5'].map((digit, index) =>
      customer(`5c0be000-1111-4111-8111-00000000010${digit}`, RESELLER_ONE, ['Tie Name', 'tie name', 'Tié Name', 'TIE NAME', 'Tie Name'][index] as string),
    ),
    customer(TWO_CUSTOMER, RESELLER_TWO, TWO_SECRET_NAME),
    {
      type: 'subscription',
      id: '5c0be000-2222-4222-8222-000000000002',
      partnerId: PROVIDER,
      customerId: TWO_CUSTOMER,
      offerName: 'Azure plan',
      quantity: 1,
      status: 'active',
      resellerId: RESELLER_TWO,
    },
  ];
  expect((await service.importLines(records)).problems).toEqual([]);
  // Activity about the other reseller's customer, for the activity probes.
  const etag = (await call(service.url, `/api/customers/${TWO_CUSTOMER}`, { principal: provider })).headers.get('etag') ?? '';
  const renamed = await call(service.url, `/api/customers/${TWO_CUSTOMER}/billing-profile`, {
    method: 'PATCH',
    principal: provider,
    headers: { 'if-match': etag },
    body: { companyName: TWO_SECRET_NAME },
  });
  expect(renamed.status).toBe(200);
});
afterAll(async () => service?.close());

async function exportFile(body: unknown, who: string) {
  const started = await call(service.url, '/api/exports', { method: 'POST', principal: who, body });
  expect(started.status, started.text).toBe(202);
  const done = await waitForExport(service.url, started.body.id, who);
  expect(done.status).toBe('Succeeded');
  return { started, done, text: (await download(done.downloadUrl)).bytes.toString('utf8') };
}

const lines = (text: string) =>
  text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean);

describe('an indirect reseller sees nothing of another reseller through exports', () => {
  it('the activity list filtered by the other reseller’s customer is empty, as for a customer that does not exist', async () => {
    const foreign = await call(service.url, `/api/activity?customerId=${TWO_CUSTOMER}`, { principal: one });
    const missing = await call(service.url, '/api/activity?customerId=5c0be000-1111-4111-8111-0000000000ff', { principal: one });
    expect(foreign.status).toBe(200);
    expect(foreign.body).toEqual({ value: [] });
    expect(missing.body).toEqual(foreign.body);
    expect((await allPages(service.url, '/api/activity', one)).rows.some((record) => record.customerId === TWO_CUSTOMER)).toBe(false);
  });

  it('an activity export naming the other reseller’s customer has no rows, and its file name does not name that customer', async () => {
    const { started, done, text } = await exportFile({ type: 'activity', customerId: TWO_CUSTOMER }, one);
    expect(lines(text)).toHaveLength(1);
    expect(text).not.toContain(TWO_SECRET_NAME);
    for (const fileName of [started.body.fileName, done.fileName]) expect(fileName).not.toContain('Zebulon');
    // The provider's own activity export of that customer has the rename.
    const own = await exportFile({ type: 'activity', customerId: TWO_CUSTOMER }, provider);
    expect(own.text).toContain(TWO_SECRET_NAME);
    expect(own.done.fileName).toContain(TWO_SECRET_NAME);
  });

  it('a customers export of the other reseller’s list has no rows, and its file name does not name that reseller', async () => {
    const { started, done, text } = await exportFile({ type: 'customers', resellerId: RESELLER_TWO, includeReseller: true }, one);
    expect(lines(text)).toHaveLength(1);
    expect(text).not.toContain(TWO_SECRET_NAME);
    expect(text).not.toContain('Reseller Two');
    for (const fileName of [started.body.fileName, done.fileName]) expect(fileName).not.toContain('Reseller Two');
    // Its own list is named after it, and the provider's export of that reseller's list names it.
    expect((await exportFile({ type: 'customers' }, one)).done.fileName).toContain('Reseller One');
    expect((await exportFile({ type: 'customers', resellerId: RESELLER_TWO }, provider)).done.fileName).toContain('Reseller Two');
  });

  it('the activity record of an export naming the other reseller’s customer does not name that customer', async () => {
    const { done } = await exportFile({ type: 'activity', customerId: TWO_CUSTOMER }, one);
    const records = (await allPages(service.url, '/api/activity', one)).rows.filter((row) => row.details?.exportId === done.id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ operation: 'ExportActivity', customerId: TWO_CUSTOMER, customerName: null });
    expect(JSON.stringify(records)).not.toContain(TWO_SECRET_NAME);
    // The provider's export of the same customer is recorded with its name.
    const own = await exportFile({ type: 'activity', customerId: TWO_CUSTOMER }, provider);
    const ownRecord = (await allPages(service.url, '/api/activity', provider)).rows.find((row) => row.details?.exportId === own.done.id);
    expect(ownRecord?.customerName).toBe(TWO_SECRET_NAME);
  });

  it('a schedule of the other reseller’s customer’s subscriptions is 404, as for a customer that does not exist', async () => {
    const put = (customerId: string) =>
      call(service.url, '/api/export-schedules/peek', { method: 'PUT', principal: one, body: { type: 'subscriptions', customerId, cron: '0 0 6 * * *' } });
    const foreign = await put(TWO_CUSTOMER);
    const missing = await put('5c0be000-1111-4111-8111-0000000000ff');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect((await call(service.url, '/api/export-schedules', { principal: one })).body).toEqual({ value: [] });
  });

  it('the provider’s exports are invisible to a reseller: get, cancel and list', async () => {
    const started = await call(service.url, '/api/exports', { method: 'POST', principal: provider, body: { type: 'customers', timeZone: 'Asia/Tokyo' } });
    expect(started.status).toBe(202);
    for (const [path, method] of [
      [`/api/exports/${started.body.id}`, 'GET'],
      [`/api/exports/${started.body.id}:cancel`, 'POST'],
    ] as const) {
      const result = await call(service.url, path, { method, principal: one });
      expect(result.status, `${method} ${path}`).toBe(404);
      expect(result.body.error.code).toBe('NotFound');
    }
    expect((await allPages(service.url, '/api/exports', one)).rows.some((row) => row.id === started.body.id)).toBe(false);
    expect((await waitForExport(service.url, started.body.id, provider)).status).toBe('Succeeded');
  });
});

describe('an export holds the rows the matching search lists', () => {
  it('in the same order, ties by id, for a reseller’s search of equal names', async () => {
    const listed = (await allPages(service.url, '/api/customers?search=tie', one)).rows.map((row) => row.id);
    expect(listed).toHaveLength(5);
    expect(listed).toEqual([...listed].sort());
    const { text } = await exportFile({ type: 'customers', search: 'TIÉ' }, one);
    expect(
      lines(text)
        .slice(1)
        .map((line) => line.split(',')[0]),
    ).toEqual(listed);
  });
});

describe('canceling an export that has ended', () => {
  it('a Succeeded export answers 409 ExportEnded and keeps its file', async () => {
    const { done } = await exportFile({ type: 'customers' }, provider);
    const cancel = await call(service.url, `/api/exports/${done.id}:cancel`, { method: 'POST', principal: provider });
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('ExportEnded');
    expect(cancel.headers.get('x-ms-error-code')).toBe('ExportEnded');
    const after = await call(service.url, `/api/exports/${done.id}`, { principal: provider });
    expect(after.body.status).toBe('Succeeded');
    expect(lines((await download(after.body.downloadUrl)).bytes.toString('utf8'))).toHaveLength(1 + 7);
  });
});
