/**
 * Whatever a client sends (query strings, path segments, principals, bodies), the answer is a
 * success or a 4xx in the contract's error format, never a 500. Generated with fast-check against
 * the real HTTP surface.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecords, PROVIDER, providerCustomers } from '../support/fixtures.js';
import { call, principal, startTestService, type TestService } from '../support/service.js';

fc.configureGlobal({ seed: 20261125, numRuns: 60 });

let service: TestService;
const reader = principal(PROVIDER, ['Customers.Read']);
const writer = principal(PROVIDER, ['Customers.ReadWrite']);

beforeAll(async () => {
  service = await startTestService({ queues: false });
  expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
});
afterAll(async () => service?.close());

/** Raw text for a query value or path segment: printable, unicode, and the characters URLs fear. */
const rawText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '%',
    '%zz',
    '%00',
    '%E0%A4%A',
    '..',
    '../..',
    '\u0000',
    '🙂',
    ' ',
    '+',
    '&',
    '=',
    '#',
    '-1',
    '0',
    '1e3',
    '99999999',
    'NaN',
    'null',
    '[]',
    '{}',
  ),
);
const parameterName = fc.constantFrom('search', 'resellerId', 'top', 'continuationToken', 'from', 'to', 'customerId', 'operation', 'unknown');

/** A query string written by hand (so malformed percent-encoding reaches the server as sent). */
const queryString = fc
  .array(fc.tuple(parameterName, rawText, fc.boolean()), { maxLength: 5 })
  .map((pairs) => pairs.map(([name, value, encoded]) => `${name}=${encoded ? encodeURIComponent(value) : value.replace(/[#\s]/g, '')}`).join('&'));

function expectAnswered(result: { status: number; headers: Headers; body: any }, context: string) {
  expect(result.status, context).toBeLessThan(500);
  if (result.status >= 400 && result.headers.get('content-type')?.startsWith('application/json')) {
    expect(typeof result.body.error?.code, context).toBe('string');
    expect(result.headers.get('x-ms-error-code'), context).toBe(result.body.error.code);
  }
}

describe('malformed requests never answer 500', () => {
  it.each([
    '/api/customers',
    `/api/customers/${providerCustomers[0]?.id}/subscriptions`,
    '/api/activity',
    '/api/exports',
    '/api/resellers',
    '/api/export-schedules',
  ])('any query string on %s', async (path) => {
    await fc.assert(
      fc.asyncProperty(queryString, async (query) => {
        const result = await call(service.url, `${path}?${query}`, { principal: reader });
        expectAnswered(result, `${path}?${query}`);
      }),
    );
  });

  it('any path segment as a customer id, export id or schedule name', async () => {
    await fc.assert(
      fc.asyncProperty(rawText, fc.constantFrom('/api/customers/', '/api/exports/', '/api/export-schedules/'), async (segment, prefix) => {
        const path = `${prefix}${encodeURIComponent(segment)}`;
        const result = await call(service.url, path, { principal: reader });
        expectAnswered(result, path);
      }),
    );
  });

  it('any principal header', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 60 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
          fc.json().map((json) => Buffer.from(json).toString('base64')),
          fc.string({ maxLength: 60 }).map((text) => Buffer.from(text).toString('base64')),
        ),
        async (header) => {
          const result = await call(service.url, '/api/customers', { principal: header || null });
          expectAnswered(result, header);
          expect([200, 401, 403]).toContain(result.status);
        },
      ),
    );
  });

  it('any JSON body for a rename, an export or a schedule, and nothing changes on a 4xx', async () => {
    const target = providerCustomers[1];
    const before = await call(service.url, `/api/customers/${target?.id}`, { principal: reader });
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('rename', 'export', 'schedule'), async (body, kind) => {
        const request =
          kind === 'rename'
            ? { path: `/api/customers/${target?.id}/billing-profile`, method: 'PATCH', headers: { 'if-match': '"stale"' } }
            : kind === 'export'
              ? { path: '/api/exports', method: 'POST', headers: {} }
              : { path: '/api/export-schedules/generated', method: 'PUT', headers: {} };
        const result = await call(service.url, request.path, {
          method: request.method,
          principal: writer,
          body: JSON.stringify(body),
          headers: request.headers,
        });
        expectAnswered(result, `${kind} ${JSON.stringify(body)}`);
      }),
    );
    const after = await call(service.url, `/api/customers/${target?.id}`, { principal: reader });
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });
});
