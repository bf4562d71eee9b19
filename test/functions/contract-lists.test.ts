/**
 * Contract conformance of the other paged lists (activity, subscriptions, exports), probed as a
 * partner would: a page size out of bounds or not a whole number on each, a token of one
 * customer's subscriptions on another's, and an activity list paged slowly while time passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MILLISECONDS } from '../../shared/kernel/time.js';
import { call, principal, renameCustomer, startTestService, type TestService } from '../support/service.js';

const PARTNER = '1157e000-0000-4000-8000-000000000001';
const FIRST = '1157e000-1111-4111-8111-000000000001';
const SECOND = '1157e000-1111-4111-8111-000000000002';

let service: TestService;
/** The service's clock: the real time plus what a test moves it by, or a time a test holds it at. */
let clockAhead = 0;
let frozenAt: number | undefined;
const writer = principal(PARTNER, ['Customers.ReadWrite'], 'lena@partner.example');

beforeAll(async () => {
  service = await startTestService({ queues: false, clock: () => new Date(frozenAt ?? Date.now() + clockAhead) });
  const customer = (id: string, companyName: string) => ({
    type: 'customer',
    id,
    partnerId: PARTNER,
    resellerId: null,
    companyName,
    domain: `${id.slice(-4)}.example`,
    relationship: 'Direct reseller',
    companyProfile: { companyName, tenantId: id, domain: `${id.slice(-4)}.example` },
  });
  const subscription = (customerId: string, n: number) => ({
    type: 'subscription',
    id: `${customerId.slice(0, 24)}${String(n).padStart(12, '9')}`,
    partnerId: PARTNER,
    customerId,
    offerName: `Offer ${n}`,
    quantity: n,
    status: 'active',
    resellerId: null,
  });
  const records = [{ type: 'partner', id: PARTNER, name: 'Lists Partner' }, customer(FIRST, 'First Lists Ltd'), customer(SECOND, 'Second Lists Ltd')];
  for (const n of [1, 2, 3]) records.push(subscription(FIRST, n), subscription(SECOND, n));
  expect((await service.importLines(records)).problems).toEqual([]);
});
afterAll(async () => service?.close());

const renameTo = (customerId: string, companyName: string) => renameCustomer(service.url, writer, customerId, companyName);

describe('page sizes on every paged list', () => {
  it.each([
    [`/api/customers/${FIRST}/subscriptions`, 1000],
    ['/api/activity', 1000],
    ['/api/exports', 100],
  ])('%s: top below 1, above %i, fractional, signed, empty or not a number is 400 naming top', async (path, max) => {
    for (const top of ['0', String(max + 1), '1.5', '-1', '+1', '1e2', '', 'abc', '0x10', ' 5']) {
      const result = await call(service.url, `${path}?top=${encodeURIComponent(top)}`, { principal: writer });
      expect(result.status, `top=${JSON.stringify(top)}`).toBe(400);
      expect(result.body.error).toMatchObject({ code: 'InvalidQueryParameter', target: 'top' });
    }
    for (const top of ['1', String(max)]) expect((await call(service.url, `${path}?top=${top}`, { principal: writer })).status).toBe(200);
  });

  it('a subscriptions token of one customer is 400 on another customer’s subscriptions', async () => {
    const first = await call(service.url, `/api/customers/${FIRST}/subscriptions?top=1`, { principal: writer });
    const token = new URL(first.body.nextLink, service.url).searchParams.get('continuationToken');
    const other = await call(service.url, `/api/customers/${SECOND}/subscriptions?top=1&continuationToken=${token}`, { principal: writer });
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('InvalidContinuationToken');
  });
});

describe('an activity list paged while time passes', () => {
  it('the default range is the one of the first page: a record near its start is not lost by paging a few minutes later', async () => {
    clockAhead = 0;
    await renameTo(FIRST, 'First Lists Renamed');
    // Nearly 30 days later (the default range), a second record; the first is still in range.
    clockAhead = 30 * DAY_MILLISECONDS - 60_000;
    await renameTo(SECOND, 'Second Lists Renamed');
    const first = await call(service.url, '/api/activity?top=1', { principal: writer });
    expect(first.body.value.map((record: { customerId: string }) => record.customerId)).toEqual([SECOND]);
    expect(first.body.nextLink).toBeDefined();
    // Two minutes pass before the partner asks for the next page.
    clockAhead += 120_000;
    const second = await call(service.url, first.body.nextLink, { principal: writer });
    expect(second.status).toBe(200);
    expect(second.body.value.map((record: { customerId: string }) => record.customerId)).toEqual([FIRST]);
    // An explicit range stays as asked; a token is still bound to the filter it was issued for.
    const explicit = await call(service.url, `/api/activity?top=1&operation=UpdateCustomerCompanyName`, { principal: writer });
    const token = new URL(explicit.body.nextLink, service.url).searchParams.get('continuationToken');
    expect((await call(service.url, `/api/activity?top=1&continuationToken=${token}`, { principal: writer })).status).toBe(400);
    clockAhead = 0;
  });
});

describe('lists whose rows share a time', () => {
  const pagedIds = async (path: string) => {
    const ids: string[] = [];
    let next: string | undefined = path;
    while (next) {
      const page = await call(service.url, next, { principal: writer });
      expect(page.status, page.text).toBe(200);
      ids.push(...page.body.value.map((row: { id: string }) => row.id));
      next = page.body.nextLink;
    }
    return ids;
  };

  it('activity records and exports made in the same millisecond page without repeats or gaps, at every page size', async () => {
    frozenAt = Date.now() - 60_000;
    try {
      for (const n of [1, 2, 3, 4]) await renameTo(n % 2 ? FIRST : SECOND, `Tied Rename ${n}`);
      const started = [];
      for (const search of ['a', 'b', 'c', 'd', 'e']) {
        const result = await call(service.url, '/api/exports', { method: 'POST', principal: writer, body: { type: 'customers', search } });
        expect(result.status).toBe(202);
        started.push(result.body);
      }
      expect(new Set(started.map((job) => job.createdDateTime)).size).toBe(1);
    } finally {
      frozenAt = undefined;
    }
    const activity = await pagedIds('/api/activity?operation=UpdateCustomerCompanyName&top=1000');
    const exportIds = await pagedIds('/api/exports?top=100');
    expect(exportIds.length).toBeGreaterThanOrEqual(5);
    for (const top of [1, 2, 3]) {
      expect(await pagedIds(`/api/activity?operation=UpdateCustomerCompanyName&top=${top}`), `activity top=${top}`).toEqual(activity);
      expect(await pagedIds(`/api/exports?top=${top}`), `exports top=${top}`).toEqual(exportIds);
    }
    for (const id of exportIds) await call(service.url, `/api/exports/${id}:cancel`, { method: 'POST', principal: writer });
  });
});
