/**
 * Fail closed: where App Service runs the app (WEBSITE_SITE_NAME) and its authentication is off
 * (WEBSITE_AUTH_ENABLED is not True), x-ms-client-principal proves nothing, so every request that
 * needs a caller answers 503 PlatformAuthenticationDisabled and nothing is read or changed; the
 * reason is logged once and /api/health says so. LOCAL_DEV_PRINCIPAL works on local runs only.
 * On the real local servers, with the settings App Service would set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionTable } from '../../functions/table.js';
import type { HttpFunctionEntry } from '../../shared/host/function-table.js';
import { fixtureRecords, PROVIDER, providerCustomers } from '../support/fixtures.js';
import { call, principal, startTestService, type TestService } from '../support/service.js';

const admin = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');
const target = providerCustomers[0] as { id: string; companyName: string };

let unsecured: TestService;
let secured: TestService;
let local: TestService;

beforeAll(async () => {
  [unsecured, secured, local] = await Promise.all([
    startTestService({ queues: false, env: { WEBSITE_SITE_NAME: 'func-api-test', WEBSITE_AUTH_ENABLED: 'False', LOCAL_DEV_PRINCIPAL: admin } }),
    startTestService({ queues: false, env: { WEBSITE_SITE_NAME: 'func-api-test', WEBSITE_AUTH_ENABLED: 'True', LOCAL_DEV_PRINCIPAL: admin } }),
    startTestService({ queues: false, env: { LOCAL_DEV_PRINCIPAL: admin } }),
  ]);
  for (const service of [unsecured, secured, local]) expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
});
afterAll(async () => Promise.all([unsecured, secured, local].map((service) => service?.close())));

/** A concrete path for a route template (`api/customers/{id}` → `/api/customers/<a customer>`). */
function pathOf(route: string): string {
  return `/${route.replace(/\{\*?\w+\}/g, target.id)}`;
}

const platformLogLines = (service: TestService) => service.logs.filter((line) => line.includes('WEBSITE_AUTH_ENABLED'));

describe('where App Service runs the app with its authentication off', () => {
  it('every API function that needs a caller answers 503 PlatformAuthenticationDisabled, with or without a principal', async () => {
    const needCaller = functionTable.filter(
      (entry): entry is HttpFunctionEntry => entry.trigger === 'http' && !entry.anonymous && entry.route.startsWith('api/'),
    );
    expect(needCaller.length).toBeGreaterThanOrEqual(10);
    for (const entry of needCaller) {
      for (const who of [admin, null]) {
        const method = entry.methods[0] ?? 'GET';
        const result = await call(unsecured.url, pathOf(entry.route), {
          method,
          principal: who,
          ...(method === 'GET' || method === 'DELETE' ? {} : { body: { companyName: 'Forged', type: 'customers' }, headers: { 'if-match': '*' } }),
        });
        expect(result.status, `${method} ${entry.route}`).toBe(503);
        expect(result.body.error.code, entry.route).toBe('PlatformAuthenticationDisabled');
        expect(result.headers.get('x-ms-error-code')).toBe('PlatformAuthenticationDisabled');
      }
    }
  });

  it('a forged principal renames nothing and starts no export', async () => {
    const renamed = await call(unsecured.url, `/api/customers/${target.id}/billing-profile`, {
      method: 'PATCH',
      principal: admin,
      headers: { 'if-match': '*' },
      body: { companyName: 'Forged Ltd' },
    });
    expect(renamed.status).toBe(503);
    expect((await unsecured.service.ports.customers.getCustomer(PROVIDER, target.id))?.companyName).toBe(target.companyName);
    expect((await call(unsecured.url, '/api/exports', { method: 'POST', principal: admin, body: { type: 'customers' } })).status).toBe(503);
    expect((await unsecured.service.ports.exportJobs.listExports(PROVIDER, PROVIDER, 10)).rows).toEqual([]);
  });

  it('logs the reason once, not on every request', async () => {
    for (let i = 0; i < 3; i++) expect((await call(unsecured.url, '/api/customers', { principal: admin })).status).toBe(503);
    expect(platformLogLines(unsecured)).toHaveLength(1);
    expect(platformLogLines(unsecured)[0]).toMatch(/App Service Authentication is off/);
  });

  it('/api/health says so with 503; the OpenAPI document and the portal page still load', async () => {
    const health = await call(unsecured.url, '/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'unavailable', error: { code: 'PlatformAuthenticationDisabled', message: expect.any(String) } });
    expect(health.headers.get('x-ms-error-code')).toBe('PlatformAuthenticationDisabled');
    const openapi = await call(unsecured.url, '/api/openapi.json');
    expect(openapi.status).toBe(200);
    expect(openapi.body.paths['/api/customers'].get.responses['503'].description).toContain('PlatformAuthenticationDisabled');
    expect(openapi.body.paths['/api/openapi.json'].get.responses['503']?.description ?? '').not.toContain('PlatformAuthenticationDisabled');
    expect(openapi.body.paths['/api/health'].get.responses['503']).toBeDefined();
    expect((await call(unsecured.url, '/')).status).toBe(200);
  });
});

describe('where App Service runs the app with its authentication on', () => {
  it('serves callers the platform signed in, and ignores LOCAL_DEV_PRINCIPAL', async () => {
    expect((await call(secured.url, '/api/customers?top=1', { principal: admin })).status).toBe(200);
    const anonymous = await call(secured.url, '/api/customers?top=1');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('Unauthenticated');
    expect((await call(secured.url, '/api/health')).status).toBe(200);
    expect(platformLogLines(secured)).toEqual([]);
  });
});

describe('local runs (no WEBSITE_SITE_NAME)', () => {
  it('LOCAL_DEV_PRINCIPAL stands in for a missing principal, and nothing fails closed', async () => {
    const result = await call(local.url, '/api/customers?top=1');
    expect(result.status).toBe(200);
    expect(result.body.value).toHaveLength(1);
    expect((await call(local.url, '/api/health')).status).toBe(200);
  });
});
