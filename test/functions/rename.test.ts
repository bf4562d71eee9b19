import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecords, OTHER_PARTNER, otherPartnerCustomers, PROVIDER, providerCustomers, RESELLER_A, RESELLER_B } from '../support/fixtures.js';
import { allPages, call, principal, startTestService, type TestService } from '../support/service.js';

let service: TestService;
/** How far ahead of the real time the service's clock runs (the reconciliation timer test moves it). */
let clockAhead = 0;
const writer = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');
const reader = principal(PROVIDER, ['Customers.Read']);

beforeAll(async () => {
  service = await startTestService({ queues: false, clock: () => new Date(Date.now() + clockAhead) });
  expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
});
afterAll(async () => service?.close());

async function read(id: string, who = writer) {
  return call(service.url, `/api/customers/${id}`, { principal: who });
}

function rename(id: string, body: unknown, etag: string | undefined, options: { principal?: string; contentType?: string } = {}) {
  return call(service.url, `/api/customers/${id}/billing-profile`, {
    method: 'PATCH',
    principal: options.principal ?? writer,
    headers: { ...(etag ? { 'if-match': etag } : {}), ...(options.contentType ? { 'content-type': options.contentType } : {}) },
    body,
  });
}

async function activityFor(id: string, who = writer) {
  return (await allPages(service.url, `/api/activity?customerId=${id}`, who)).rows;
}

describe('PATCH /api/customers/{id}/billing-profile', () => {
  it('shows the new name in a search row the service has served (and remembered) before', async () => {
    const target = providerCustomers[2];
    const search = async () => (await call(service.url, `/api/customers?search=${target.id}`, { principal: writer })).body.value;
    const [seen] = await search();
    expect(seen.id).toBe(target.id);
    expect((await search())[0]).toEqual(seen);
    const before = await read(target.id);
    const newName = `${seen.companyName} Nouveau`;
    const renamed = await rename(target.id, { companyName: newName }, before.headers.get('etag') ?? '');
    expect(renamed.status).toBe(200);
    expect(await search()).toEqual([{ ...seen, companyName: newName }]);
    // Back to the fixture's name, which the other tests expect.
    expect((await rename(target.id, { companyName: seen.companyName }, renamed.headers.get('etag') ?? '')).status).toBe(200);
    expect(await search()).toEqual([seen]);
  });

  it('renames the Bill-to name and list value only, returns the new ETag, and is searchable at once', async () => {
    const target = providerCustomers[0];
    const before = await read(target.id);
    const result = await rename(target.id, { companyName: '  Contoso Renamed Ltd  ' }, before.headers.get('etag') ?? '');
    expect(result.status).toBe(200);
    expect(result.body.companyName).toBe('Contoso Renamed Ltd');
    expect(result.body.billingProfile).toEqual({ companyName: 'Contoso Renamed Ltd' });
    expect(result.body.companyProfile).toEqual(before.body.companyProfile);
    expect(result.body.domain).toBe(before.body.domain);
    expect(result.headers.get('etag')).toBeTruthy();
    expect(result.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(result.body.etag).toBe(result.headers.get('etag'));

    const after = await read(target.id);
    expect(after.body.companyName).toBe('Contoso Renamed Ltd');
    expect(after.headers.get('etag')).toBe(result.headers.get('etag'));
    const found = await allPages(service.url, '/api/customers?search=renamed', writer);
    expect(found.rows.map((row) => row.id)).toEqual([target.id]);
    const oldWord = await allPages(service.url, '/api/customers?search=contoso%20ltd', writer);
    expect(oldWord.rows).toEqual([]);

    const [record] = await activityFor(target.id);
    expect(record).toMatchObject({
      operation: 'UpdateCustomerCompanyName',
      customerId: target.id,
      customerName: 'Contoso Renamed Ltd',
      user: 'ada@provider.example',
      status: 'Succeeded',
      details: { oldCompanyName: 'Contoso Ltd', newCompanyName: 'Contoso Renamed Ltd' },
    });
    expect(Object.keys(record).sort()).toEqual(['customerId', 'customerName', 'dateTime', 'details', 'id', 'operation', 'status', 'user']);
  });

  it('without If-Match answers 428 and changes nothing', async () => {
    const target = providerCustomers[1];
    const result = await rename(target.id, { companyName: 'Nope' }, undefined);
    expect(result.status).toBe(428);
    expect(result.body.error.code).toBe('PreconditionRequired');
    expect((await read(target.id)).body.companyName).toBe(target.companyName);
  });

  it('with a stale ETag answers 412 and changes nothing, not even the activity log', async () => {
    const target = providerCustomers[1];
    const first = await read(target.id);
    const etag = first.headers.get('etag') ?? '';
    expect((await rename(target.id, { companyName: 'First Writer' }, etag)).status).toBe(200);
    const stale = await rename(target.id, { companyName: 'Second Writer' }, etag);
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PreconditionFailed');
    expect((await read(target.id)).body.companyName).toBe('First Writer');
    const records = await activityFor(target.id);
    expect(records.map((r) => r.details.newCompanyName)).toEqual(['First Writer']);
    expect((await rename(target.id, { companyName: 'X' }, '"not-an-etag"')).status).toBe(412);
  });

  it('concurrent renames with one ETag: exactly one wins, the rest get 412', async () => {
    const target = providerCustomers[3];
    const etag = (await read(target.id)).headers.get('etag') ?? '';
    const results = await Promise.all(Array.from({ length: 8 }, (_unused, index) => rename(target.id, { companyName: `Writer ${index}` }, etag)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(7);
    const winner = results.find((r) => r.status === 200)?.body.companyName;
    expect((await read(target.id)).body.companyName).toBe(winner);
    const records = await activityFor(target.id);
    expect(records).toHaveLength(1);
    expect(records[0].details.newCompanyName).toBe(winner);
    expect(records[0].status).toBe('Succeeded');
  });

  const target = providerCustomers[4];
  it.each([
    ['an empty name', { companyName: '' }, 400],
    ['only spaces', { companyName: '   ' }, 400],
    ['256 characters', { companyName: 'x'.repeat(256) }, 400],
    ['a control character', { companyName: 'Bad\u0007Name' }, 400],
    ['a line break inside', { companyName: 'Bad\nName' }, 400],
    ['a number', { companyName: 42 }, 400],
    ['no companyName', { name: 'x' }, 400],
    ['a JSON array', [{ companyName: 'x' }], 400],
    ['a JSON string', '"just a string"', 400],
    ['malformed JSON', '{"companyName":', 400],
    ['null', 'null', 400],
  ])('%s answers %i and changes nothing', async (_label, body, status) => {
    const before = await read(target.id);
    const result = await rename(target.id, body, before.headers.get('etag') ?? '');
    expect(result.status).toBe(status);
    expect(result.headers.get('x-ms-error-code')).toBe(result.body.error.code);
    const after = await read(target.id);
    expect(after.body.companyName).toBe(target.companyName);
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
    expect(await activityFor(target.id)).toEqual([]);
  });

  it('accepts exactly 255 characters (counted as characters, not UTF-16 units)', async () => {
    const name = '😀'.repeat(255);
    const before = await read(providerCustomers[5].id);
    const result = await rename(providerCustomers[5].id, { companyName: name }, before.headers.get('etag') ?? '');
    expect(result.status).toBe(200);
    expect(result.body.companyName).toBe(name);
  });

  it('a body over 64 KiB answers 413; a non-JSON content type 415', async () => {
    const etag = (await read(target.id)).headers.get('etag') ?? '';
    const big = await rename(target.id, { companyName: 'x', padding: 'y'.repeat(70 * 1024) }, etag);
    expect(big.status).toBe(413);
    const text = await rename(target.id, 'companyName=x', etag, { contentType: 'text/plain' });
    expect(text.status).toBe(415);
    const form = await rename(target.id, 'companyName=x', etag, { contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect((await read(target.id)).body.companyName).toBe(target.companyName);
  });

  it("Customers.Read may not rename (403); another partner's or reseller's customer is 404", async () => {
    const etag = (await read(target.id)).headers.get('etag') ?? '';
    expect((await rename(target.id, { companyName: 'Reader' }, etag, { principal: reader })).status).toBe(403);
    const foreign = otherPartnerCustomers[0];
    expect((await rename(foreign.id, { companyName: 'Hijack' }, '*')).status).toBe(404);
    const resellerBCustomer = providerCustomers.find((c) => c.resellerId === RESELLER_B);
    const resellerAWriter = principal(RESELLER_A, ['Customers.ReadWrite']);
    expect((await rename(resellerBCustomer?.id ?? '', { companyName: 'Hijack' }, '*', { principal: resellerAWriter })).status).toBe(404);
    expect((await read(foreign.id, principal(OTHER_PARTNER))).body.companyName).toBe(foreign.companyName);
  });

  it('an indirect reseller with Customers.ReadWrite renames its own customer', async () => {
    const own = providerCustomers.find((c) => c.resellerId === RESELLER_A && c !== providerCustomers[0]);
    const resellerAWriter = principal(RESELLER_A, ['Customers.ReadWrite'], 'rex@reseller-a.example');
    const etag = (await read(own?.id ?? '', resellerAWriter)).headers.get('etag') ?? '';
    const result = await rename(own?.id ?? '', { companyName: 'Renamed By Reseller' }, etag, { principal: resellerAWriter });
    expect(result.status).toBe(200);
    const records = await activityFor(own?.id ?? '', principal(RESELLER_A));
    expect(records[0].user).toBe('rex@reseller-a.example');
  });
});

describe('crash safety of a rename', () => {
  it('a crash after the customer write leaves a Pending record that reconciliation completes', async () => {
    const target = providerCustomers[6];
    const etag = (await read(target.id)).headers.get('etag') ?? '';
    service.faults.arm('rename.afterCustomerWrite');
    const crashed = await rename(target.id, { companyName: 'Crashed After Write' }, etag);
    expect(crashed.status).toBe(500);
    expect((await read(target.id)).body.companyName).toBe('Crashed After Write');
    expect((await activityFor(target.id))[0].status).toBe('Pending');
    expect(await service.services.renames.reconcilePendingActivity(0)).toBeGreaterThanOrEqual(1);
    const [record] = await activityFor(target.id);
    expect(record.status).toBe('Succeeded');
    expect(record.details).toEqual({ oldCompanyName: target.companyName, newCompanyName: 'Crashed After Write' });
  });

  it('a crash before the customer write leaves the customer unchanged and the record Failed', async () => {
    const target = providerCustomers[7];
    const etag = (await read(target.id)).headers.get('etag') ?? '';
    service.faults.arm('rename.afterActivityPending');
    expect((await rename(target.id, { companyName: 'Never Applied' }, etag)).status).toBe(500);
    await service.services.renames.reconcilePendingActivity(0);
    const after = await read(target.id);
    expect(after.body.companyName).toBe(target.companyName);
    expect(after.headers.get('etag')).toBe(etag);
    const [record] = await activityFor(target.id);
    expect(record.status).toBe('Failed');
    expect(record.details.newCompanyName).toBe('Never Applied');
  });

  it('a later rename does not hide an earlier crashed-but-applied one from reconciliation', async () => {
    const target = providerCustomers[8];
    const etag = (await read(target.id)).headers.get('etag') ?? '';
    service.faults.arm('rename.afterCustomerWrite');
    expect((await rename(target.id, { companyName: 'Applied One' }, etag)).status).toBe(500);
    const next = await read(target.id);
    expect((await rename(target.id, { companyName: 'Applied Two' }, next.headers.get('etag') ?? '')).status).toBe(200);
    await service.services.renames.reconcilePendingActivity(0);
    const records = await activityFor(target.id);
    expect(records.map((r) => [r.details.newCompanyName, r.status])).toEqual([
      ['Applied Two', 'Succeeded'],
      ['Applied One', 'Succeeded'],
    ]);
  });

  it('the reconciliation timer in the function table does the same', async () => {
    const target = providerCustomers[9];
    const etag = (await read(target.id)).headers.get('etag') ?? '';
    service.faults.arm('rename.afterCustomerWrite');
    await rename(target.id, { companyName: 'Timer Reconciled' }, etag);
    clockAhead = 10 * 60_000;
    try {
      await service.runner.runTimer('maintenance-reconcile');
    } finally {
      clockAhead = 0;
    }
    expect((await activityFor(target.id))[0].status).toBe('Succeeded');
  });
});
