import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldText } from '../../shared/kernel/text.js';
import {
  customerId,
  fixtureRecords,
  OTHER_PARTNER,
  otherPartnerCustomers,
  PROVIDER,
  providerCustomers,
  RESELLER_A,
  RESELLER_B,
  UNKNOWN_TENANT,
} from '../support/fixtures.js';
import { matchesSearch } from '../support/oracles.js';
import { allPages, call, principal, startTestService, type TestService } from '../support/service.js';

let service: TestService;
const provider = principal(PROVIDER);
const resellerA = principal(RESELLER_A);

const expectedOrder = (customers: typeof providerCustomers) =>
  [...customers].sort((a, b) => {
    const left = foldText(a.companyName);
    const right = foldText(b.companyName);
    return left < right ? -1 : left > right ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });

beforeAll(async () => {
  service = await startTestService({ queues: false });
  const summary = await service.importLines(fixtureRecords());
  expect(summary.problems).toEqual([]);
});
afterAll(async () => service?.close());

describe('GET /api/customers', () => {
  it('lists the whole list ordered by company name (case- and accent-insensitive), then id', async () => {
    const { rows } = await allPages(service.url, '/api/customers', provider);
    expect(rows.map((row) => row.id)).toEqual(expectedOrder(providerCustomers).map((c) => c.id));
    const first = rows[0];
    expect(Object.keys(first).sort()).toEqual(['companyName', 'domain', 'id', 'links', 'relationship', 'resellerId']);
    expect(first.links.self).toBe(`/api/customers/${first.id}`);
    expect(first.links.subscriptions).toBe(`/api/customers/${first.id}/subscriptions`);
    expect(first.links.services.map((s: { name: string }) => s.name)).toEqual(['Microsoft 365 admin center', 'Azure portal']);
  });

  it.each([
    ['contoso', ['Contoso Ltd', 'contoso Pharmaceuticals']],
    ['CONTOSO L', ['Contoso Ltd']],
    ['pharma', ['contoso Pharmaceuticals']],
    ['muller', ['Müller & Söhne GmbH']],
    ['SÖHNE', ['Müller & Söhne GmbH']],
    ['cafe', ['Société Générale de Café']],
    ['aero', ['Ærø Fisk ApS']],
    ['東京', ['東京テクノロジー株式会社']],
    ['ромашка', ['ООО Ромашка']],
    ['ναυτιλια', ['Ελληνική Ναυτιλία']],
    ['brien', ["O'Brien Consulting"]],
    ["o'brien", ["O'Brien Consulting"]],
    ['zeta-systems', ['Zeta Systems']],
    ['co.uk', []],
    ['mail.zeta', ['Zeta Systems']],
    ['alesund', ['Ålesund Shipping']],
    ['onmicrosoft', ['Contoso Ltd', 'Fabrikam Inc.']],
    ['nothing-matches-this', []],
  ])('search %s finds exactly the matching customers', async (search, expected) => {
    const { rows } = await allPages(service.url, `/api/customers?search=${encodeURIComponent(search)}`, provider);
    expect(rows.map((row) => row.companyName).sort()).toEqual([...expected].sort());
    const reference = providerCustomers.filter((c) => matchesSearch(c, search)).map((c) => c.companyName);
    expect(rows.map((row) => row.companyName).sort()).toEqual(reference.sort());
  });

  it('search equal to a Microsoft ID finds that customer, in any letter case', async () => {
    const target = providerCustomers[4];
    for (const text of [target.id, target.id.toUpperCase()]) {
      const { rows } = await allPages(service.url, `/api/customers?search=${text}`, provider);
      expect(rows.map((row) => row.id)).toEqual([target.id]);
    }
  });

  it('pages with nextLink never repeat or skip a row, at every page size', async () => {
    const all = expectedOrder(providerCustomers).map((c) => c.id);
    for (const top of [1, 2, 3, 5, 7, 16, 1000]) {
      const { rows, pages } = await allPages(service.url, `/api/customers?top=${top}`, provider);
      expect(rows.map((row) => row.id)).toEqual(all);
      expect(pages).toBe(Math.max(1, Math.ceil(all.length / top)));
    }
  });

  it('the last page has no nextLink, and nextLink keeps the search and page size', async () => {
    const first = await call(service.url, '/api/customers?search=contoso&top=1', { principal: provider });
    expect(first.status).toBe(200);
    expect(first.body.value).toHaveLength(1);
    const next = new URL(first.body.nextLink, service.url);
    expect(next.searchParams.get('search')).toBe('contoso');
    expect(next.searchParams.get('top')).toBe('1');
    const second = await call(service.url, first.body.nextLink, { principal: provider });
    expect(second.body.value).toHaveLength(1);
    expect(second.body.value[0].id).not.toBe(first.body.value[0].id);
    expect(second.body.nextLink).toBeUndefined();
  });

  it('resellerId narrows to one indirect reseller', async () => {
    const { rows } = await allPages(service.url, `/api/customers?resellerId=${RESELLER_B}`, provider);
    expect(rows.map((row) => row.id).sort()).toEqual(
      providerCustomers
        .filter((c) => c.resellerId === RESELLER_B)
        .map((c) => c.id)
        .sort(),
    );
    expect(rows.every((row) => row.resellerId === RESELLER_B)).toBe(true);
  });

  it('an indirect reseller sees only its own customers, whatever it asks for', async () => {
    const own = providerCustomers
      .filter((c) => c.resellerId === RESELLER_A)
      .map((c) => c.id)
      .sort();
    expect((await allPages(service.url, '/api/customers', resellerA)).rows.map((r) => r.id).sort()).toEqual(own);
    expect((await allPages(service.url, `/api/customers?resellerId=${RESELLER_B}`, resellerA)).rows).toEqual([]);
    expect((await allPages(service.url, '/api/customers?search=contoso', resellerA)).rows.map((r) => r.companyName)).toEqual(['Contoso Ltd']);
  });

  it('partners are isolated from each other', async () => {
    const other = await allPages(service.url, '/api/customers', principal(OTHER_PARTNER));
    expect(other.rows.map((r) => r.id).sort()).toEqual(otherPartnerCustomers.map((c) => c.id).sort());
    const search = await allPages(service.url, `/api/customers?search=${providerCustomers[0].id}`, principal(OTHER_PARTNER));
    expect(search.rows).toEqual([]);
  });

  it('a continuation token cannot be replayed against another search or scope', async () => {
    const first = await call(service.url, '/api/customers?top=2', { principal: provider });
    const token = new URL(first.body.nextLink, service.url).searchParams.get('continuationToken') ?? '';
    const otherSearch = await call(service.url, `/api/customers?top=2&search=contoso&continuationToken=${token}`, { principal: provider });
    expect(otherSearch.status).toBe(400);
    expect(otherSearch.body.error.code).toBe('InvalidContinuationToken');
    const otherScope = await call(service.url, `/api/customers?top=2&continuationToken=${token}`, { principal: resellerA });
    expect(otherScope.status).toBe(400);
  });

  it.each([
    ['top=0', 'top'],
    ['top=1001', 'top'],
    ['top=abc', 'top'],
    ['top=1.5', 'top'],
    ['top=-1', 'top'],
    ['continuationToken=%%%', 'continuationToken'],
    ['continuationToken=bm90LWpzb24', 'continuationToken'],
    ['top=5&top=6', 'top'],
    // The host hands the worker "a,b"; the repeat is still seen, from the URL.
    ['search=a&search=b', 'search'],
    ['resellerId=', 'resellerId'],
    [`search=${'x'.repeat(300)}`, 'search'],
  ])('bad query %s answers 400 naming %s', async (query, target) => {
    const result = await call(service.url, `/api/customers?${query}`, { principal: provider });
    expect(result.status).toBe(400);
    expect(result.body.error.target).toBe(target);
    expect(result.headers.get('x-ms-error-code')).toBe(result.body.error.code);
    expect(typeof result.body.error.message).toBe('string');
  });
});

describe('GET /api/customers/{id}', () => {
  it('returns the customer with profiles, links and a matching ETag header', async () => {
    const target = providerCustomers[2];
    const result = await call(service.url, `/api/customers/${target.id}`, { principal: provider });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      id: target.id,
      companyName: target.companyName,
      domain: target.domain,
      relationship: 'Indirect reseller',
      resellerId: RESELLER_A,
      billingProfile: { companyName: target.companyName },
      companyProfile: { companyName: `${target.companyName} (tenant)`, tenantId: target.id, domain: target.domain },
    });
    expect(result.headers.get('etag')).toBeTruthy();
    expect(result.body.etag).toBe(result.headers.get('etag'));
    expect(result.body.links.services[0].url).toContain(target.id);
  });

  it('accepts the id in upper case', async () => {
    const result = await call(service.url, `/api/customers/${providerCustomers[0].id.toUpperCase()}`, { principal: provider });
    expect(result.status).toBe(200);
  });

  it("answers 404 for a missing customer and for one outside the caller's scope alike", async () => {
    const missing = await call(service.url, `/api/customers/${customerId(999)}`, { principal: provider });
    const otherPartners = await call(service.url, `/api/customers/${otherPartnerCustomers[0].id}`, { principal: provider });
    const otherResellers = await call(service.url, `/api/customers/${providerCustomers.find((c) => c.resellerId === RESELLER_B)?.id}`, {
      principal: resellerA,
    });
    for (const result of [missing, otherPartners, otherResellers]) {
      expect(result.status).toBe(404);
      expect(result.body.error.code).toBe('NotFound');
      expect(result.headers.get('x-ms-error-code')).toBe('NotFound');
    }
    expect(otherPartners.body).toEqual(missing.body);
  });
});

describe('GET /api/customers/{id}/subscriptions', () => {
  it("lists a customer's subscriptions, paged", async () => {
    const target = providerCustomers[0];
    const { rows, pages } = await allPages(service.url, `/api/customers/${target.id}/subscriptions?top=2`, provider);
    expect(pages).toBe(2);
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => row.offerName)).toEqual(['Azure plan', 'Microsoft 365 E3', 'Power BI Pro']);
    expect(Object.keys(rows[0]).sort()).toEqual(['customerId', 'id', 'offerName', 'quantity', 'resellerId', 'status']);
    expect(rows.every((row) => row.customerId === target.id)).toBe(true);
  });

  it("an indirect reseller sees only the subscriptions it sells, and not other resellers' customers", async () => {
    const own = providerCustomers.find((c) => c.resellerId === RESELLER_A);
    const { rows } = await allPages(service.url, `/api/customers/${own?.id}/subscriptions`, resellerA);
    expect(rows.map((row) => row.resellerId)).toEqual([RESELLER_A, RESELLER_A]);
    const foreign = providerCustomers.find((c) => c.resellerId === RESELLER_B);
    expect((await call(service.url, `/api/customers/${foreign?.id}/subscriptions`, { principal: resellerA })).status).toBe(404);
  });

  it('a customer outside the scope answers 404', async () => {
    const result = await call(service.url, `/api/customers/${otherPartnerCustomers[0].id}/subscriptions`, { principal: provider });
    expect(result.status).toBe(404);
  });
});

describe('GET /api/resellers', () => {
  it("lists a partner's indirect resellers by name", async () => {
    const result = await call(service.url, '/api/resellers', { principal: provider });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      value: [
        { id: RESELLER_A, name: 'Reseller A' },
        { id: RESELLER_B, name: 'Reseller B' },
      ],
    });
  });

  it('a partner without resellers gets an empty list; a reseller sees only itself', async () => {
    expect((await call(service.url, '/api/resellers', { principal: principal(OTHER_PARTNER) })).body).toEqual({ value: [] });
    expect((await call(service.url, '/api/resellers', { principal: resellerA })).body).toEqual({ value: [{ id: RESELLER_A, name: 'Reseller A' }] });
  });
});

describe('GET /api/me', () => {
  it('tells a partner admin its tenant, name, user name and roles', async () => {
    const result = await call(service.url, '/api/me', { principal: principal(PROVIDER, ['Customers.ReadWrite', 'Other.Role'], 'ada@provider.example') });
    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.body).toEqual({
      tenantId: PROVIDER,
      tenantType: 'partner',
      tenantName: 'Provider Partner',
      userName: 'ada@provider.example',
      roles: ['Customers.ReadWrite'],
    });
  });

  it('tells an indirect reseller that it is one, with its tenant id in any letter case', async () => {
    const result = await call(service.url, '/api/me', { principal: principal(RESELLER_A.toUpperCase(), ['Customers.Read']) });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      tenantId: RESELLER_A,
      tenantType: 'reseller',
      tenantName: 'Reseller A',
      userName: 'tester@partner.example',
      roles: ['Customers.Read'],
    });
  });

  it('answers 401 without a principal, 403 for an unknown tenant or without a role', async () => {
    expect((await call(service.url, '/api/me', { principal: null })).status).toBe(401);
    expect((await call(service.url, '/api/me', { principal: principal(UNKNOWN_TENANT) })).body.error.code).toBe('Forbidden');
    expect((await call(service.url, '/api/me', { principal: principal(PROVIDER, []) })).status).toBe(403);
  });
});

describe('identity', () => {
  const bad = [
    ['no header', undefined],
    ['not base64', '%%%not-base64%%%'],
    ['base64 of not JSON', Buffer.from('hello').toString('base64')],
    ['JSON without claims', Buffer.from('{"auth_typ":"aad"}').toString('base64')],
    ['claims without tenant id', Buffer.from(JSON.stringify({ claims: [{ typ: 'roles', val: 'Customers.Read' }] })).toString('base64')],
  ] as const;

  it.each(bad)('%s answers 401', async (_label, header) => {
    for (const path of ['/api/me', '/api/customers', `/api/customers/${providerCustomers[0].id}`, '/api/resellers', '/api/activity', '/api/exports']) {
      const result = await call(service.url, path, { principal: header ?? null });
      expect(result.status).toBe(401);
      expect(result.body.error.code).toBe('Unauthenticated');
    }
  });

  it('an unknown tenant answers 403', async () => {
    const result = await call(service.url, '/api/customers', { principal: principal(UNKNOWN_TENANT) });
    expect(result.status).toBe(403);
    expect(result.body.error.code).toBe('Forbidden');
  });

  it('a caller without a role answers 403', async () => {
    for (const roles of [[], ['Something.Else']]) {
      const result = await call(service.url, '/api/customers', { principal: principal(PROVIDER, roles) });
      expect(result.status).toBe(403);
    }
  });

  it('Customers.ReadWrite may read too', async () => {
    expect((await call(service.url, '/api/customers?top=1', { principal: principal(PROVIDER, ['Customers.ReadWrite']) })).status).toBe(200);
  });

  it('the tenant id in the principal is matched case-insensitively', async () => {
    expect((await call(service.url, '/api/customers?top=1', { principal: principal(PROVIDER.toUpperCase()) })).status).toBe(200);
  });

  it('health and the OpenAPI document are anonymous', async () => {
    const health = await call(service.url, '/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const openapi = await call(service.url, '/api/openapi.json');
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toBe('3.1.0');
    for (const path of [
      '/api/customers',
      '/api/customers/{id}',
      '/api/customers/{id}/billing-profile',
      '/api/customers/{id}/subscriptions',
      '/api/resellers',
      '/api/exports',
      '/api/exports/{id}',
      '/api/export-schedules',
      '/api/export-schedules/{name}',
      '/api/activity',
      '/api/health',
      '/api/openapi.json',
    ]) {
      expect(openapi.body.paths[path], path).toBeDefined();
    }
  });

  it('an unknown API path answers 404 and a wrong method 405, in the error format', async () => {
    const missing = await call(service.url, '/api/nothing-here', { principal: provider });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NotFound');
    const wrongMethod = await call(service.url, '/api/customers', { method: 'DELETE', principal: provider });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
  });
});
