/**
 * Contract conformance of the rename and of the error surface, probed as a partner would: fields
 * the rename does not know, If-Match values HTTP defines (weak tags, lists), control and separator
 * characters, trimming at the 255 limit; every error in the contract's format with its headers;
 * wrong methods on every route, and actions (`{id}:cancel`) asked with the wrong method.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionTable } from '../../functions/table.js';
import type { HttpFunctionEntry } from '../../shared/host/function-table.js';
import { allPages, type CallResult, call, principal, startTestService, type TestService } from '../support/service.js';

const PARTNER = 'a0d17000-0000-4000-8000-000000000001';
const id = (n: number) => `a0d17000-1111-4111-8111-${String(n).padStart(12, '0')}`;

let service: TestService;
const writer = principal(PARTNER, ['Customers.ReadWrite'], 'audit@partner.example');

beforeAll(async () => {
  service = await startTestService({ queues: false });
  const records: unknown[] = [{ type: 'partner', id: PARTNER, name: 'Audit Partner' }];
  for (let n = 1; n <= 6; n += 1) {
    records.push({
      type: 'customer',
      id: id(n),
      partnerId: PARTNER,
      resellerId: null,
      companyName: `Audit Customer ${n}`,
      domain: `audit${n}.example`,
      relationship: 'Direct reseller',
      companyProfile: { companyName: `Audit Tenant ${n}`, tenantId: id(n), domain: `audit${n}.example` },
    });
  }
  expect((await service.importLines(records)).problems).toEqual([]);
});
afterAll(async () => service?.close());

const read = (customerId: string) => call(service.url, `/api/customers/${customerId}`, { principal: writer });
const rename = (customerId: string, body: unknown, ifMatch?: string, contentType?: string) =>
  call(service.url, `/api/customers/${customerId}/billing-profile`, {
    method: 'PATCH',
    principal: writer,
    headers: { ...(ifMatch !== undefined ? { 'if-match': ifMatch } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });
const renames = async (customerId: string) => (await allPages(service.url, `/api/activity?customerId=${customerId}`, writer)).rows;

/** The contract's error format, with its headers. */
function expectError(result: CallResult, status: number, code?: string) {
  expect(result.status, result.text).toBe(status);
  expect(Object.keys(result.body)).toEqual(['error']);
  expect(typeof result.body.error.code).toBe('string');
  expect(result.body.error.code).toMatch(/^[A-Z][A-Za-z]+$/);
  expect(typeof result.body.error.message).toBe('string');
  if (code) expect(result.body.error.code).toBe(code);
  expect(result.headers.get('x-ms-error-code')).toBe(result.body.error.code);
  expect(result.headers.get('content-type')).toMatch(/^application\/json/);
  expect(result.headers.get('cache-control')).toBe('no-store');
  expect(result.headers.get('x-content-type-options')).toBe('nosniff');
}

/** The rename answered an error and changed nothing: same name, same ETag, no activity record. */
async function expectUnchanged(customerId: string, before: CallResult) {
  const after = await read(customerId);
  expect(after.body.companyName).toBe(before.body.companyName);
  expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  expect(await renames(customerId)).toEqual([]);
}

describe('a rename body with fields the rename does not know', () => {
  it.each([
    ['the tenant’s own name', { companyName: 'Audit Renamed', companyProfile: { companyName: 'Hijacked Tenant' } }, 'companyProfile'],
    ['a read-only field', { companyName: 'Audit Renamed', etag: '"x"' }, 'etag'],
    ['a misspelt field beside a valid one', { companyName: 'Audit Renamed', companyname: 'Other' }, 'companyname'],
    ['a nested billing profile', { companyName: 'Audit Renamed', billingProfile: { companyName: 'Other' } }, 'billingProfile'],
  ])('%s is a 400 naming that field, and nothing changes', async (_label, body, field) => {
    const before = await read(id(1));
    const result = await rename(id(1), body, before.headers.get('etag') ?? '');
    expectError(result, 400, 'InvalidBody');
    expect(result.body.error.target).toBe(field);
    expect(result.body.error.message).toContain(field);
    await expectUnchanged(id(1), before);
    expect((await read(id(1))).body.companyProfile.companyName).toBe('Audit Tenant 1');
  });
});

describe('If-Match as HTTP defines it', () => {
  it('a weak tag never matches (If-Match compares strongly): 412, and nothing changes', async () => {
    const before = await read(id(2));
    const etag = before.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+"$/);
    const result = await rename(id(2), { companyName: 'Weakly Renamed' }, `W/${etag}`);
    expectError(result, 412, 'PreconditionFailed');
    expect(result.body.error.target).toBe('If-Match');
    await expectUnchanged(id(2), before);
  });

  it('a list with the current tag matches; a list of stale ones is 412; the tag without its quotes is the same tag', async () => {
    const before = await read(id(3));
    const etag = before.headers.get('etag') ?? '';
    expectError(await rename(id(3), { companyName: 'Listed' }, '"stale-1", "stale-2"'), 412, 'PreconditionFailed');
    expectError(await rename(id(3), { companyName: 'Listed' }, '""'), 412, 'PreconditionFailed');
    await expectUnchanged(id(3), before);
    const listed = await rename(id(3), { companyName: 'Listed' }, `"stale-1", ${etag}`);
    expect(listed.status).toBe(200);
    const unquoted = await rename(id(3), { companyName: 'Unquoted' }, (listed.headers.get('etag') ?? '').replace(/"/g, ''));
    expect(unquoted.status).toBe(200);
    expect((await renames(id(3))).map((record) => record.details.newCompanyName)).toEqual(['Unquoted', 'Listed']);
  });

  it('an If-Match of white space only is missing (428), whatever the body', async () => {
    const before = await read(id(4));
    expectError(await rename(id(4), { companyName: 'No Tag' }, '  '), 428, 'PreconditionRequired');
    await expectUnchanged(id(4), before);
  });
});

describe('what a name may be', () => {
  it.each([
    ['a C1 control (NEL)', 'Audit\u0085Name'],
    ['DEL', 'Audit\u007fName'],
    ['a line separator', 'Audit\u2028Name'],
    ['a paragraph separator', 'Audit\u2029Name'],
    ['a tab inside', 'Audit\tName'],
    ['256 characters once trimmed', ` ${'é'.repeat(256)} `],
    ['a JSON null', null],
  ])('%s is a 400 naming companyName, and nothing changes', async (_label, companyName) => {
    const before = await read(id(5));
    const result = await rename(id(5), { companyName }, before.headers.get('etag') ?? '');
    expectError(result, 400);
    expect(result.body.error.target).toBe('companyName');
    await expectUnchanged(id(5), before);
  });

  it('white space around the name (tabs and line breaks too) is trimmed, and 255 characters count after trimming', async () => {
    let etag = (await read(id(6))).headers.get('etag') ?? '';
    const padded = await rename(id(6), { companyName: '\t\r\n  Trimmed Audit Ltd \u00a0\n' }, etag);
    expect(padded.status).toBe(200);
    expect(padded.body.companyName).toBe('Trimmed Audit Ltd');
    etag = padded.headers.get('etag') ?? '';
    const longest = `${'Ĳ'.repeat(254)}ß`;
    const atLimit = await rename(id(6), { companyName: `   ${longest}   ` }, etag);
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.companyName).toBe(longest);
    expect((await read(id(6))).body.billingProfile.companyName).toBe(longest);
  });

  it('a merge-patch JSON body (the Azure guidelines’ PATCH type) is accepted; a body that is not JSON is 415', async () => {
    const before = await read(id(4));
    const merged = await rename(id(4), { companyName: 'Merge Patched' }, before.headers.get('etag') ?? '', 'application/merge-patch+json');
    expect(merged.status).toBe(200);
    const after = await read(id(4));
    expectError(await rename(id(4), 'companyName=Form', after.headers.get('etag') ?? '', 'multipart/form-data; boundary=x'), 415, 'UnsupportedMediaType');
    expectError(await call(service.url, `/api/customers/${id(4)}/billing-profile`, { method: 'PATCH', principal: writer, headers: { 'if-match': '*' } }), 415);
    expect((await read(id(4))).headers.get('etag')).toBe(after.headers.get('etag'));
  });
});

describe('every error in the contract’s format', () => {
  it('401, 403, 404, 409, 412, 413, 415 and 428 carry the code in x-ms-error-code, no-store and nosniff', async () => {
    const etag = (await read(id(1))).headers.get('etag') ?? '';
    const started = await call(service.url, '/api/exports', { method: 'POST', principal: writer, body: { type: 'customers' } });
    expect(started.status).toBe(202);
    expect((await call(service.url, `/api/exports/${started.body.id}:cancel`, { method: 'POST', principal: writer })).status).toBe(200);
    const cases: Array<[Promise<CallResult>, number]> = [
      [call(service.url, '/api/customers'), 401],
      [call(service.url, '/api/customers', { principal: principal(PARTNER, ['Customers.Write']) }), 403],
      [call(service.url, `/api/customers/${id(99)}`, { principal: writer }), 404],
      [call(service.url, `/api/exports/${started.body.id}:cancel`, { method: 'POST', principal: writer }), 409],
      [rename(id(1), { companyName: 'Stale' }, '"stale"'), 412],
      [rename(id(1), { companyName: 'x'.repeat(70 * 1024) }, etag), 413],
      [rename(id(1), 'companyName=x', etag, 'text/plain'), 415],
      [rename(id(1), { companyName: 'Untagged' }), 428],
      [call(service.url, '/api/customers?top=0', { principal: writer }), 400],
    ];
    for (const [answer, status] of cases) expectError(await answer, status);
  });
});

describe('wrong methods and unknown paths', () => {
  const ALL = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  const samples: Record<string, string> = {
    id: id(1),
    name: 'nightly',
  };
  const apiEntries = functionTable.filter(
    (entry): entry is HttpFunctionEntry => entry.trigger === 'http' && entry.route.startsWith('api/') && entry.name !== 'zz-api-fallback',
  );

  it('every API route answers each method it does not take with 405, Allow listing exactly the methods it takes', async () => {
    expect(apiEntries.length).toBeGreaterThan(15);
    // Several functions may share a route (GET and POST /api/exports): a route takes the methods of all of them.
    const routes = new Map<string, Set<string>>();
    for (const entry of apiEntries) {
      const methods = routes.get(entry.route) ?? new Set<string>();
      for (const method of entry.methods) methods.add(method);
      if (methods.has('GET')) methods.add('HEAD');
      routes.set(entry.route, methods);
    }
    for (const [route, methods] of routes) {
      const path = `/${route.replace(/\{(\w+)\}/g, (_match, name: string) => samples[name] ?? 'x')}`;
      const allowed = [...methods];
      for (const method of ALL.filter((candidate) => !allowed.includes(candidate))) {
        const result = await call(service.url, path, { method, principal: writer });
        if (method === 'HEAD') {
          // No body on a HEAD answer; the status and headers are those of the error.
          expect(result.status, `${method} ${path}`).toBe(405);
          expect(result.headers.get('x-ms-error-code')).toBe('MethodNotAllowed');
        } else {
          expectError(result, 405, 'MethodNotAllowed');
        }
        expect((result.headers.get('allow') ?? '').split(', ').sort(), `${method} ${path}`).toEqual([...allowed].sort());
      }
    }
  });

  it('the cancel action asked with GET or DELETE is 405 with Allow: POST; an action that does not exist is 404', async () => {
    for (const method of ['GET', 'DELETE', 'PUT']) {
      const result = await call(service.url, `/api/exports/${id(1)}:cancel`, { method, principal: writer });
      expectError(result, 405, 'MethodNotAllowed');
      expect(result.headers.get('allow')).toBe('POST');
    }
    for (const method of ['POST', 'DELETE'])
      expectError(await call(service.url, `/api/exports/${id(1)}:retry`, { method, principal: writer }), 404, 'NotFound');
  });

  it('a path under /api that no function serves is 404 in the error format, with or without a caller', async () => {
    for (const path of ['/api/customer', '/api/customers/x/y/z', `/api/customers/${id(1)}/subscriptions/extra`, '/api/exports/a/b', '/api/v2/customers']) {
      expectError(await call(service.url, path, { principal: writer }), 404, 'NotFound');
      expectError(await call(service.url, path), 404, 'NotFound');
    }
  });
});
