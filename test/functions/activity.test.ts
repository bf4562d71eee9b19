import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecords, PROVIDER, providerCustomers, RESELLER_A, RESELLER_B } from '../support/fixtures.js';
import { allPages, call, principal, renameCustomer, startTestService, type TestService } from '../support/service.js';

let service: TestService;
const writer = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');

const renameTo = (id: string, companyName: string) => renameCustomer(service.url, writer, id, companyName);

const resellerACustomer = providerCustomers.filter((c) => c.resellerId === RESELLER_A)[0];
const resellerBCustomer = providerCustomers.filter((c) => c.resellerId === RESELLER_B)[0];
const directCustomer = providerCustomers.filter((c) => c.resellerId === null)[0];

beforeAll(async () => {
  service = await startTestService({ queues: false });
  expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
  for (const [index, customer] of [resellerACustomer, resellerBCustomer, directCustomer, resellerACustomer].entries()) {
    await renameTo(customer?.id ?? '', `Renamed ${index}`);
  }
});
afterAll(async () => service?.close());

describe('GET /api/activity', () => {
  it('lists records newest first, paged without loss or repeats', async () => {
    const { rows } = await allPages(service.url, '/api/activity', writer);
    expect(rows.map((r) => r.details.newCompanyName)).toEqual(['Renamed 3', 'Renamed 2', 'Renamed 1', 'Renamed 0']);
    const paged = await allPages(service.url, '/api/activity?top=1', writer);
    expect(paged.pages).toBe(4);
    expect(paged.rows.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    const times = rows.map((r) => r.dateTime);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by customer and operation', async () => {
    const byCustomer = await allPages(service.url, `/api/activity?customerId=${resellerACustomer?.id}`, writer);
    expect(byCustomer.rows.map((r) => r.details.newCompanyName)).toEqual(['Renamed 3', 'Renamed 0']);
    const byOperation = await allPages(service.url, '/api/activity?operation=UpdateCustomerCompanyName', writer);
    expect(byOperation.rows).toHaveLength(4);
    expect((await allPages(service.url, '/api/activity?operation=ExportCustomers', writer)).rows).toEqual([]);
  });

  it('an indirect reseller sees only records about its customers', async () => {
    const { rows } = await allPages(service.url, '/api/activity', principal(RESELLER_A));
    expect(rows.map((r) => r.customerId)).toEqual([resellerACustomer?.id, resellerACustomer?.id]);
    const foreign = await allPages(service.url, `/api/activity?customerId=${resellerBCustomer?.id}`, principal(RESELLER_A));
    expect(foreign.rows).toEqual([]);
  });

  it('an indirect reseller filters its records by operation, and by customer and operation', async () => {
    const rename = 'operation=UpdateCustomerCompanyName';
    const byOperation = await allPages(service.url, `/api/activity?${rename}&top=1`, principal(RESELLER_A));
    expect(byOperation.rows.map((r) => r.details.newCompanyName)).toEqual(['Renamed 3', 'Renamed 0']);
    const byBoth = await allPages(service.url, `/api/activity?customerId=${resellerACustomer?.id}&${rename}`, principal(RESELLER_A));
    expect(byBoth.rows.map((r) => r.details.newCompanyName)).toEqual(['Renamed 3', 'Renamed 0']);
    const foreign = await allPages(service.url, `/api/activity?customerId=${resellerBCustomer?.id}&${rename}`, principal(RESELLER_A));
    expect(foreign.rows).toEqual([]);
  });

  it('another partner sees none of them', async () => {
    const { rows } = await allPages(service.url, '/api/activity', principal('bbbbbbbb-0000-4000-8000-000000000002'));
    expect(rows).toEqual([]);
  });

  it('honours from and to, and defaults to the last 30 days', async () => {
    const now = Date.now();
    const future = new Date(now + 86_400_000).toISOString();
    const later = new Date(now + 2 * 86_400_000).toISOString();
    expect((await allPages(service.url, `/api/activity?from=${future}&to=${later}`, writer)).rows).toEqual([]);
    const past = new Date(now - 40 * 86_400_000).toISOString();
    const pastEnd = new Date(now - 35 * 86_400_000).toISOString();
    expect((await allPages(service.url, `/api/activity?from=${past}&to=${pastEnd}`, writer)).rows).toEqual([]);
    const today = new Date(now).toISOString().slice(0, 10);
    expect((await allPages(service.url, `/api/activity?from=${today}`, writer)).rows).toHaveLength(4);
  });

  it.each([
    ['a range over 90 days', `from=2026-01-01T00:00:00Z&to=2026-05-01T00:00:00Z`, 'InvalidDateRange'],
    ['from after to', `from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z`, 'InvalidDateRange'],
    ['a date that is not ISO 8601', 'from=yesterday', 'InvalidQueryParameter'],
    ['a local time without offset', 'from=2026-03-01T10:00:00', 'InvalidQueryParameter'],
    ['top over 1000', 'top=1001', 'InvalidQueryParameter'],
    ['an operation with spaces', 'operation=Drop%20Table', 'InvalidQueryParameter'],
  ])('%s answers 400', async (_label, query, code) => {
    const result = await call(service.url, `/api/activity?${query}`, { principal: writer });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(code);
  });

  it('exactly 90 days is allowed', async () => {
    const result = await call(service.url, '/api/activity?from=2026-01-01T00:00:00Z&to=2026-04-01T00:00:00Z', { principal: writer });
    expect(result.status).toBe(200);
  });

  it("records expire through the activity container's TTL (365 days by default)", async () => {
    const { resource } = await service.service.store.activity.read();
    expect(resource?.defaultTtl).toBe(365 * 86_400);
  });
});
