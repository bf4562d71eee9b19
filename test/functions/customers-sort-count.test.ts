import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomerRecord } from '../../shared/customers/customer.js';
import { foldText } from '../../shared/kernel/text.js';
import { customerId, fixtureRecords, OTHER_PARTNER, otherPartnerCustomers, PROVIDER, providerCustomers, RESELLER_A, RESELLER_B } from '../support/fixtures.js';
import { allPages, call, principal, startTestService, type TestService } from '../support/service.js';

let service: TestService;
const provider = principal(PROVIDER, ['Customers.ReadWrite']);
const resellerA = principal(RESELLER_A);

beforeAll(async () => {
  service = await startTestService({ queues: false });
  expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
});
afterAll(async () => service?.close());

const byKey =
  (key: (c: (typeof providerCustomers)[number]) => string, descending: boolean) =>
  (a: (typeof providerCustomers)[number], b: (typeof providerCustomers)[number]) => {
    const order = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return descending ? -order : order;
  };
const count = async (query: string, who = provider) => {
  const result = await call(service.url, `/api/customers?count=true&top=1&${query}`, { principal: who });
  expect(result.status, result.text).toBe(200);
  return { count: result.body.count, countIsCapped: result.body.countIsCapped };
};
const customerLine = (id: string, companyName: string, resellerId: string | null, partnerId = PROVIDER) => ({
  type: 'customer',
  id,
  partnerId,
  resellerId,
  companyName,
  domain: `${id.slice(0, 8)}.example`,
});

describe('GET /api/customers?sort=', () => {
  it.each([
    ['companyName', (c: (typeof providerCustomers)[number]) => foldText(c.companyName), false],
    ['-companyName', (c: (typeof providerCustomers)[number]) => foldText(c.companyName), true],
    ['domain', (c: (typeof providerCustomers)[number]) => c.domain, false],
    ['-domain', (c: (typeof providerCustomers)[number]) => c.domain, true],
  ] as const)('sort=%s lists every row once in that order, ties by id, over pages of 3', async (sort, key, descending) => {
    const { rows, pages } = await allPages(service.url, `/api/customers?sort=${sort}&top=3`, provider);
    expect(pages).toBeGreaterThan(3);
    expect(rows.map((row) => row.id)).toEqual([...providerCustomers].sort(byKey(key, descending)).map((c) => c.id));
  });

  it('sorts within a search and within one reseller', async () => {
    const search = await allPages(service.url, '/api/customers?search=contoso&sort=-domain&top=1', provider);
    expect(search.rows.map((row) => row.domain)).toEqual(['contosopharma.com', 'contoso.onmicrosoft.com']);
    const reseller = await allPages(service.url, `/api/customers?resellerId=${RESELLER_A}&sort=-companyName&top=2`, provider);
    const expected = providerCustomers.filter((c) => c.resellerId === RESELLER_A).sort(byKey((c) => foldText(c.companyName), true));
    expect(reseller.rows.map((row) => row.id)).toEqual(expected.map((c) => c.id));
  });

  it('a continuation token from another sort answers 400 and a bad sort names the parameter', async () => {
    const first = await call(service.url, '/api/customers?top=2&sort=domain', { principal: provider });
    expect(new URL(first.body.nextLink, service.url).searchParams.get('sort')).toBe('domain');
    const token = new URL(first.body.nextLink, service.url).searchParams.get('continuationToken') ?? '';
    for (const sort of ['-domain', 'companyName']) {
      const other = await call(service.url, `/api/customers?top=2&sort=${sort}&continuationToken=${token}`, { principal: provider });
      expect(other.status).toBe(400);
      expect(other.body.error.code).toBe('InvalidContinuationToken');
    }
    for (const query of ['sort=name', 'sort=', 'sort=domain&sort=-domain', 'count=yes']) {
      const bad = await call(service.url, `/api/customers?${query}`, { principal: provider });
      expect(bad.status, query).toBe(400);
      expect(bad.body.error.target).toBe(query.split('=')[0]);
    }
  });
});

describe('GET /api/customers?count=true', () => {
  it('counts the whole list, one reseller and a search; without count=true there is no count', async () => {
    const resellerACount = providerCustomers.filter((c) => c.resellerId === RESELLER_A).length;
    expect(await count('')).toEqual({ count: providerCustomers.length, countIsCapped: false });
    expect(await count(`resellerId=${RESELLER_A}`)).toEqual({ count: resellerACount, countIsCapped: false });
    expect(await count('', resellerA)).toEqual({ count: resellerACount, countIsCapped: false });
    expect(await count('search=contoso')).toEqual({ count: 2, countIsCapped: false });
    expect(await count('', principal(OTHER_PARTNER))).toEqual({ count: otherPartnerCustomers.length, countIsCapped: false });
    const plain = await call(service.url, '/api/customers?top=1', { principal: provider });
    expect(Object.keys(plain.body)).toEqual(['value', 'nextLink']);
    const last = await call(service.url, '/api/customers?count=true&top=1000', { principal: provider });
    expect(Object.keys(last.body)).toEqual(['value', 'count', 'countIsCapped']);
  });

  it('keeps the counts right through imports, re-imports, reseller changes and renames', async () => {
    const partner = 'f0000000-0000-4000-8000-00000000000a';
    const resellerX = 'f0000000-0000-4000-8000-00000000000b';
    const resellerY = 'f0000000-0000-4000-8000-00000000000c';
    const who = principal(partner, ['Customers.ReadWrite']);
    const ids = [1, 2, 3, 4, 5].map((n) => customerId(500 + n));
    const lines = [
      { type: 'partner', id: partner, name: 'Counting Partner' },
      { type: 'reseller', id: resellerX, partnerId: partner, name: 'X' },
      { type: 'reseller', id: resellerY, partnerId: partner, name: 'Y' },
      ...ids.map((id, index) => customerLine(id, `Count ${index}`, index < 3 ? resellerX : null, partner)),
    ];
    expect((await service.importLines(lines)).problems).toEqual([]);
    expect(await count('', who)).toEqual({ count: 5, countIsCapped: false });
    expect(await count(`resellerId=${resellerX}`, who)).toEqual({ count: 3, countIsCapped: false });
    // The same file again changes nothing.
    expect((await service.importLines(lines)).problems).toEqual([]);
    expect(await count('', who)).toEqual({ count: 5, countIsCapped: false });
    // Moves: X -> Y, X -> none, none -> Y.
    await service.importLines([
      customerLine(ids[0] as string, 'Count 0', resellerY, partner),
      customerLine(ids[1] as string, 'Count 1', null, partner),
      customerLine(ids[4] as string, 'Count 4', resellerY, partner),
    ]);
    expect(await count('', who)).toEqual({ count: 5, countIsCapped: false });
    expect(await count(`resellerId=${resellerX}`, who)).toEqual({ count: 1, countIsCapped: false });
    expect(await count(`resellerId=${resellerY}`, who)).toEqual({ count: 2, countIsCapped: false });
    // A rename changes a search's count, not the list's.
    const detail = await call(service.url, `/api/customers/${ids[2]}`, { principal: who });
    const renamed = await call(service.url, `/api/customers/${ids[2]}/billing-profile`, {
      method: 'PATCH',
      principal: who,
      headers: { 'if-match': detail.headers.get('etag') ?? '' },
      body: { companyName: 'Renamed Widgets' },
    });
    expect(renamed.status).toBe(200);
    expect(await count('search=widgets', who)).toEqual({ count: 1, countIsCapped: false });
    expect(await count('search=count', who)).toEqual({ count: 4, countIsCapped: false });
    expect(await count('', who)).toEqual({ count: 5, countIsCapped: false });
    expect(await service.services.customerCounts.reconcile({ checkSeconds: 0, quietSeconds: 0 })).toBe(0);
  });

  it('caps a search count at 1,000 and says so', async () => {
    // Stored directly, 32 at a time (1,005 imports would take a minute on a busy machine); the
    // reconciliation then counts them in, as it does for customers stored before counts were kept.
    const many = Array.from({ length: 1005 }, (_, n) => {
      const line = customerLine(customerId(2000 + n), `Capped ${n}`, RESELLER_B);
      return buildCustomerRecord({
        ...line,
        relationship: 'Indirect reseller',
        companyProfile: { companyName: line.companyName, tenantId: line.id, domain: line.domain },
      });
    });
    for (let index = 0; index < many.length; index += 32)
      await Promise.all(many.slice(index, index + 32).map((record) => service.service.ports.customers.upsertCustomer(record)));
    expect(await count('search=capped')).toEqual({ count: 1000, countIsCapped: true });
    expect(await count('search=capped 10')).toEqual({ count: 16, countIsCapped: false });
    const resellerB = 1005 + providerCustomers.filter((c) => c.resellerId === RESELLER_B).length;
    expect(await count(`resellerId=${RESELLER_B}`)).not.toEqual({ count: resellerB, countIsCapped: false });
    expect(await service.services.customerCounts.reconcile({ checkSeconds: 0, quietSeconds: 0 })).toBe(1);
    expect(await count(`resellerId=${RESELLER_B}`)).toEqual({ count: resellerB, countIsCapped: false });
  });

  it('a crash between a customer write and its counter update is repaired by the reconciliation', async () => {
    const before = await count('');
    const beforeA = await count(`resellerId=${RESELLER_A}`);
    service.faults.arm('customers.afterWrite');
    await expect(service.importLines([customerLine(customerId(4001), 'Crashed Import', RESELLER_A)])).rejects.toThrow(/Injected crash/);
    expect(service.faults.thrownCount('customers.afterWrite')).toBe(1);
    service.faults.disarm();
    // The customer is there; the counts missed it.
    expect((await call(service.url, `/api/customers/${customerId(4001)}`, { principal: provider })).status).toBe(200);
    expect(await count('')).toEqual(before);
    // Counts changed moments ago are left for later (a change may be in flight) ...
    expect(await service.services.customerCounts.reconcile({ checkSeconds: 0 })).toBe(0);
    // ... and repaired once quiet.
    expect(await service.services.customerCounts.reconcile({ checkSeconds: 0, quietSeconds: 0 })).toBe(1);
    expect(await count('')).toEqual({ count: before.count + 1, countIsCapped: false });
    expect(await count(`resellerId=${RESELLER_A}`)).toEqual({ count: beforeA.count + 1, countIsCapped: false });
    // Checked counts are not recounted again within the hour.
    expect(await service.services.customerCounts.reconcile({ quietSeconds: 0 })).toBe(0);
  });

  it('a reseller move that crashed before its counter update is repaired too', async () => {
    const target = providerCustomers.find((c) => c.resellerId === RESELLER_A);
    if (!target) throw new Error('fixture has no reseller A customer');
    const beforeA = await count(`resellerId=${RESELLER_A}`);
    const beforeB = await count(`resellerId=${RESELLER_B}`);
    service.faults.arm('customers.afterWrite');
    await expect(service.importLines([customerLine(target.id, target.companyName, RESELLER_B)])).rejects.toThrow(/Injected crash/);
    service.faults.disarm();
    expect(await count(`resellerId=${RESELLER_B}`)).toEqual(beforeB);
    expect(await service.services.customerCounts.reconcile({ checkSeconds: 0, quietSeconds: 0 })).toBe(1);
    expect(await count(`resellerId=${RESELLER_A}`)).toEqual({ count: beforeA.count - 1, countIsCapped: false });
    expect(await count(`resellerId=${RESELLER_B}`)).toEqual({ count: beforeB.count + 1, countIsCapped: false });
  });
});
