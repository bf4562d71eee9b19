/**
 * Identities and ids that are what they claim, names a person can read, If-Match: * under
 * concurrency, and what every API answer carries (no-store, nosniff, HEAD, links that never come
 * from the Host header). The inputs are the attacks of issue 17: none may answer 500 or change anything.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecords, PROVIDER, providerCustomers, RESELLER_A } from '../support/fixtures.js';
import { allPages, call, principal, startTestService, type TestService } from '../support/service.js';

let service: TestService;
const writer = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');
const target = providerCustomers[0] as (typeof providerCustomers)[number];

beforeAll(async () => {
  service = await startTestService({ queues: false });
  expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
});
afterAll(async () => service?.close());

const exportsOf = async (who: string) => (await allPages(service.url, '/api/exports', who)).rows;

describe('identities are GUIDs', () => {
  it.each(['.', '..', 'tenants', 'a/b', 'a#b', '..%20', ' .. ', `${PROVIDER}/..`, `${PROVIDER.slice(0, -1)}#`])(
    'a principal whose tenant id is %j is 401 and can neither export nor schedule',
    async (tenantId) => {
      const intruder = principal(tenantId, ['Customers.ReadWrite']);
      for (const [path, method, body] of [
        ['/api/resellers', 'GET', undefined],
        ['/api/customers', 'GET', undefined],
        ['/api/exports', 'POST', { type: 'customers' }],
        ['/api/export-schedules/intruder', 'PUT', { type: 'customers', cron: '0 0 0 * * *' }],
      ] as const) {
        const result = await call(service.url, path, { method, principal: intruder, body });
        expect(result.status, `${method} ${path}`).toBe(401);
        expect(result.body.error.code).toBe('Unauthenticated');
      }
    },
  );

  it.each(['..%20', '.%20', '%20..', '..%09', '.%09', 'tenants', 'not-a-guid', `${target.id}x`, '%00'])(
    'a customer id %j answers 400 InvalidId on every customer route, and nothing changes',
    async (segment) => {
      const before = await call(service.url, `/api/customers/${target.id}`, { principal: writer });
      for (const [path, method, body, headers] of [
        [`/api/customers/${segment}`, 'GET', undefined, {}],
        [`/api/customers/${segment}/subscriptions`, 'GET', undefined, {}],
        [`/api/customers/${segment}/billing-profile`, 'PATCH', { companyName: 'Hijack' }, { 'if-match': '*' }],
      ] as const) {
        const result = await call(service.url, path, { method, principal: writer, body, headers });
        expect(result.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(result.status, `${method} ${path}`).toBeLessThan(500);
        expect(result.status, `${method} ${path}`).toBe(400);
        expect(['InvalidId', 'InvalidPathParameter']).toContain(result.body.error.code);
        expect(result.body.error.target).toBe('id');
      }
      const after = await call(service.url, `/api/customers/${target.id}`, { principal: writer });
      expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
    },
  );

  it('export ids, reseller ids and customer ids in queries and bodies must be GUIDs (400 InvalidId, nothing created)', async () => {
    const before = (await exportsOf(writer)).length;
    const cases = [
      call(service.url, '/api/exports/tenants', { principal: writer }),
      call(service.url, '/api/exports/..%20', { principal: writer }),
      call(service.url, '/api/customers?resellerId=..', { principal: writer }),
      call(service.url, '/api/activity?customerId=..', { principal: writer }),
      call(service.url, '/api/exports', { method: 'POST', principal: writer, body: { type: 'customers', resellerId: '..' } }),
      call(service.url, '/api/exports', { method: 'POST', principal: writer, body: { type: 'subscriptions', customerId: '..' } }),
      call(service.url, '/api/exports', { method: 'POST', principal: writer, body: { type: 'activity', customerId: 'x/y' } }),
    ];
    for (const result of await Promise.all(cases)) {
      expect(result.status, result.text).toBe(400);
      expect(result.body.error.code).toBe('InvalidId');
    }
    expect(await exportsOf(writer)).toHaveLength(before);
  });

  it('a point read only accepts a document of the kind and id asked for', async () => {
    // A document with a tenant's GUID that is not a partner or reseller record admits nobody.
    const impostor = 'ffffffff-0000-4000-8000-0000000000ff';
    await service.service.store.tenants.items.upsert({ id: impostor, type: 'customer', name: 'Not a tenant' });
    expect((await call(service.url, '/api/resellers', { principal: principal(impostor) })).status).toBe(403);
    // A tenant-set document in the exports container is not an export.
    await call(service.url, '/api/exports', { method: 'POST', principal: writer, body: { type: 'customers' } });
    const slots = `export-slots-${PROVIDER}`;
    expect(await service.service.ports.exportJobs.getExport(PROVIDER, slots)).toBeUndefined();
  });
});

describe('names a person can read', () => {
  const rename = (companyName: unknown, raw?: string) =>
    call(service.url, `/api/customers/${target.id}/billing-profile`, {
      method: 'PATCH',
      principal: writer,
      headers: { 'if-match': '*' },
      body: raw ?? { companyName },
    });

  it.each([
    ['bidi override', 'Acme \u202eexe.gnp', /bidirectional control/],
    ['bidi isolate', '\u2067Acme\u2069', /bidirectional control/],
    ['zero-width only', '\u200b\u200c\u200d\u2060', /visible character/],
    ['format and filler only', '\ufeff\u3164\u00ad', /visible character/],
    ['stacked combining marks', `Z${'\u0301\u0300\u0302\u0303\u0304\u0305'.repeat(20)}algo`, /combining marks/],
  ])('a %s name is a 400 naming the rule, and nothing changes', async (_rule, name, message) => {
    const before = await call(service.url, `/api/customers/${target.id}`, { principal: writer });
    const result = await rename(name);
    expect(result.status).toBe(400);
    expect(result.body.error.target).toBe('companyName');
    expect(result.body.error.message).toMatch(message);
    const after = await call(service.url, `/api/customers/${target.id}`, { principal: writer });
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it('an unpaired surrogate (sent as a JSON escape) is a 400', async () => {
    const result = await rename(undefined, '{"companyName":"Acme \\ud800 Ltd"}');
    expect(result.status).toBe(400);
    expect(result.body.error.message).toMatch(/unpaired surrogates/);
  });

  it('names in any script, with the accents they need, are accepted', async () => {
    for (const name of ['Việt Nam Trading', 'שָׁלוֹם בע"מ', 'शिक्षा संस्थान', '東京テクノロジー', 'Ærø 😀 ApS', target.companyName]) {
      const result = await rename(name);
      expect(result.status, name).toBe(200);
      expect(result.body.companyName).toBe(name);
    }
  });

  it('npm run import reports lines with unreadable names and imports the others', async () => {
    const line = (n: number, companyName: string) => ({
      type: 'customer',
      id: `12345678-0000-4000-8000-${String(n).padStart(12, '0')}`,
      partnerId: PROVIDER,
      companyName,
      domain: `import${n}.example`,
    });
    const summary = await service.importLines([
      line(1, 'Readable Import Ltd'),
      line(2, 'Spoof \u202egnp.exe'),
      line(3, '\u200b\u200b'),
      '{"type":"customer","id":"12345678-0000-4000-8000-000000000004","partnerId":"' + PROVIDER + '","companyName":"x\\udc00","domain":"import4.example"}',
      line(5, `a${'\u0308'.repeat(9)}`),
      { type: 'partner', id: '..', name: 'Dots' },
      { ...line(7, 'Bad id'), id: 'tenants' },
    ]);
    expect(summary.imported.customer).toBe(1);
    expect(summary.problems.map((problem) => problem.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(summary.problems[0]?.message).toMatch(/companyName must not contain bidirectional control/);
    expect(summary.problems[5]?.message).toMatch(/id must be a GUID/);
  });
});

describe('If-Match: *', () => {
  it('40 concurrent renames with If-Match: * all succeed, each with exactly one activity record', async () => {
    const customer = providerCustomers[4] as (typeof providerCustomers)[number];
    const original = (await call(service.url, `/api/customers/${customer.id}`, { principal: writer })).body.companyName;
    const names = Array.from({ length: 40 }, (_, index) => `Concurrent Name ${index}`);
    const results = await Promise.all(
      names.map((companyName) =>
        call(service.url, `/api/customers/${customer.id}/billing-profile`, {
          method: 'PATCH',
          principal: writer,
          headers: { 'if-match': '*' },
          body: { companyName },
        }),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(names.map(() => 200));
    const records = (await allPages(service.url, `/api/activity?customerId=${customer.id}&operation=UpdateCustomerCompanyName`, writer)).rows;
    expect(records).toHaveLength(40);
    expect(records.every((record) => record.status === 'Succeeded')).toBe(true);
    // The renames form one chain: each replaced exactly the name before it.
    const final = (await call(service.url, `/api/customers/${customer.id}`, { principal: writer })).body.companyName;
    const olds = records.map((record) => record.details.oldCompanyName).sort();
    const news = records.map((record) => record.details.newCompanyName);
    expect(news.sort()).toEqual([...names].sort());
    expect(olds).toEqual([original, ...names.filter((name) => name !== final)].sort());
  });
});

describe('what every API answer carries', () => {
  it('Cache-Control: no-store and X-Content-Type-Options: nosniff on successes and errors alike', async () => {
    const answers = await Promise.all([
      call(service.url, '/api/health'),
      call(service.url, '/api/openapi.json'),
      call(service.url, '/api/resellers', { principal: writer }),
      call(service.url, '/api/customers', { principal: writer }),
      call(service.url, `/api/customers/${target.id}`, { principal: writer }),
      call(service.url, '/api/customers'),
      call(service.url, '/api/customers/..', { principal: writer }),
      call(service.url, '/api/nothing-here', { principal: writer }),
      call(service.url, '/api/customers', { method: 'DELETE', principal: writer }),
      call(service.url, '/api/exports', { method: 'POST', principal: writer, body: { type: 'customers' } }),
      call(service.url, '/api/export-schedules', { principal: principal(RESELLER_A) }),
    ]);
    for (const answer of answers) {
      expect(answer.headers.get('cache-control'), answer.text.slice(0, 80)).toBe('no-store');
      expect(answer.headers.get('x-content-type-options'), answer.text.slice(0, 80)).toBe('nosniff');
    }
  });

  it('HEAD is answered on GET routes, with the headers and no body', async () => {
    for (const path of ['/api/health', '/api/customers?top=2', `/api/customers/${target.id}`, `/api/customers/${target.id}/subscriptions`, '/api/exports']) {
      const get = await call(service.url, path, { principal: writer });
      const head = await call(service.url, path, { method: 'HEAD', principal: writer });
      expect(head.status, path).toBe(get.status);
      expect(head.text).toBe('');
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(head.headers.get('cache-control')).toBe('no-store');
    }
    const detailHead = await call(service.url, `/api/customers/${target.id}`, { method: 'HEAD', principal: writer });
    expect(detailHead.headers.get('etag')).toMatch(/^".+"$/);
  });
});

/** A request with a Host header of the caller's choosing (fetch will not send one). */
function requestWithHost(url: string, host: string, method = 'GET', body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method,
        headers: {
          host,
          'x-ms-client-principal': writer,
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('links never come from the Host header', () => {
  it('without a public base URL, nextLink and Operation-Location are relative', async () => {
    const page = await requestWithHost(`${service.url}/api/customers?top=2`, 'evil.example');
    expect(page.body.nextLink).toMatch(/^\/api\/customers\?top=2&continuationToken=/);
    const started = await requestWithHost(`${service.url}/api/exports`, 'evil.example', 'POST', JSON.stringify({ type: 'customers' }));
    expect(started.status).toBe(202);
    expect(started.headers['operation-location']).toBe(`/api/exports/${started.body.id}`);
  });

  it('with PUBLIC_BASE_URL, they are absolute from it, whatever Host says', async () => {
    const configured = await startTestService({ queues: false, env: { PUBLIC_BASE_URL: 'https://customers.partner.example/' } });
    try {
      expect((await configured.importLines(fixtureRecords())).problems).toEqual([]);
      const page = await requestWithHost(`${configured.url}/api/customers?top=2`, 'evil.example');
      expect(page.body.nextLink).toMatch(/^https:\/\/customers\.partner\.example\/api\/customers\?top=2&continuationToken=/);
      const started = await requestWithHost(`${configured.url}/api/exports`, 'evil.example', 'POST', JSON.stringify({ type: 'customers' }));
      expect(started.headers['operation-location']).toBe(`https://customers.partner.example/api/exports/${started.body.id}`);
    } finally {
      await configured.close();
    }
  });
});
