/**
 * Contract conformance of GET /api/customers, probed as a partner integrating against it would:
 * folding of letters the other tests do not use, what a search may be a prefix of, the exact
 * Microsoft ID, blank and long searches, paging over many equal names in every sort, and
 * continuation tokens that are not this query's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldText } from '../../shared/kernel/text.js';
import { allPages, call, principal, startTestService, type TestService } from '../support/service.js';

const PARTNER = '5ea7c400-0000-4000-8000-000000000001';
const OTHER = '5ea7c400-0000-4000-8000-000000000002';
const RESELLER_ONE = '5ea7c400-0000-4000-8000-000000000003';
const RESELLER_TWO = '5ea7c400-0000-4000-8000-000000000004';
const id = (n: number) => `5ea7c400-1111-4111-8111-${String(n).padStart(12, '0')}`;

interface Row {
  id: string;
  companyName: string;
  domain: string;
  resellerId: string | null;
}

const named: Array<[string, string]> = [
  ['Café Ünïcode SARL', 'cafe-unicode.example'],
  ['Straße Bau GmbH', 'strassebau.de'],
  ['İstanbul Lojistik', 'istanbul.com.tr'],
  ['ﬁnance ﬂow Ltd', 'finance-flow.example'],
  ['Ｆｕｌｌｗｉｄｔｈ Corp', 'FullWidth.Example'],
  ['ŒUVRE Ørsted', 'oeuvre.example'],
  ['dotless ıslands', 'islands.example'],
  ['ΣΟΦΙΑ Ltd', 'sofia.example'],
];
// Many equal names, some with equal domains too: ties are broken by id in every sort.
const twins: Array<[string, string]> = Array.from({ length: 13 }, (_, n) => [n % 2 ? 'Same Name' : 'same name', n % 3 ? 'same.example' : `same${n}.example`]);
const customers: Row[] = [...named, ...twins].map(([companyName, domain], index) => ({
  // Ids out of order with the names, so an order by id alone would show.
  id: id(((index * 7) % 31) + 1),
  companyName,
  domain,
  resellerId: index % 4 === 1 ? RESELLER_ONE : index % 4 === 2 ? RESELLER_TWO : null,
}));
const otherCustomer: Row = { id: id(900), companyName: 'Same Name', domain: 'same.example', resellerId: null };

let service: TestService;
const partner = principal(PARTNER);
const resellerOne = principal(RESELLER_ONE);
const resellerTwo = principal(RESELLER_TWO);
const other = principal(OTHER);

beforeAll(async () => {
  service = await startTestService({ queues: false });
  const records: unknown[] = [
    { type: 'partner', id: PARTNER, name: 'Search Partner' },
    { type: 'partner', id: OTHER, name: 'Other Partner' },
    { type: 'reseller', id: RESELLER_ONE, partnerId: PARTNER, name: 'One' },
    { type: 'reseller', id: RESELLER_TWO, partnerId: PARTNER, name: 'Two' },
  ];
  for (const customer of [...customers, otherCustomer]) {
    records.push({
      type: 'customer',
      ...customer,
      partnerId: customer === otherCustomer ? OTHER : PARTNER,
      relationship: customer.resellerId ? 'Indirect reseller' : 'Direct reseller',
      companyProfile: { companyName: customer.companyName, tenantId: customer.id, domain: customer.domain },
    });
  }
  expect((await service.importLines(records)).problems).toEqual([]);
});
afterAll(async () => service?.close());

const names = async (query: string, who = partner) =>
  (await allPages<Row>(service.url, `/api/customers?${query}`, who)).rows.map((row) => row.companyName).sort();
const search = (text: string, who = partner) => names(`search=${encodeURIComponent(text)}`, who);

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
function expectedOrder(rows: Row[], sort: string): string[] {
  const key = (row: Row) => (sort.endsWith('domain') ? row.domain.toLowerCase() : foldText(row.companyName));
  const sign = sort.startsWith('-') ? -1 : 1;
  return [...rows].sort((a, b) => sign * (compare(key(a), key(b)) || compare(a.id, b.id))).map((row) => row.id);
}

describe('search folds case, accents, widths and ligatures', () => {
  it.each([
    ['cafe', ['Café Ünïcode SARL']],
    ['CAFÉ ÜNÏ', ['Café Ünïcode SARL']],
    ['unicode', ['Café Ünïcode SARL']],
    ['strasse', ['Straße Bau GmbH']],
    ['STRASSE BAU', ['Straße Bau GmbH']],
    ['STRAẞE', ['Straße Bau GmbH']],
    ['straße', ['Straße Bau GmbH']],
    ['istanbul', ['İstanbul Lojistik']],
    ['İSTANBUL', ['İstanbul Lojistik']],
    ['ISTANBUL', ['İstanbul Lojistik']],
    ['finance', ['ﬁnance ﬂow Ltd']],
    ['ﬁn', ['ﬁnance ﬂow Ltd']],
    ['FLOW', ['ﬁnance ﬂow Ltd']],
    ['ｆｕｌｌ', ['Ｆｕｌｌｗｉｄｔｈ Corp']],
    ['fullwidth corp', ['Ｆｕｌｌｗｉｄｔｈ Corp']],
    ['oeuvre', ['ŒUVRE Ørsted']],
    ['orsted', ['ŒUVRE Ørsted']],
    ['islands', ['dotless ıslands']],
    ['σοφια', ['ΣΟΦΙΑ Ltd']],
  ])('search %j finds %j', async (text, expected) => {
    expect(await search(text)).toEqual(expected);
  });
});

describe('what a search may be a prefix of', () => {
  // Words out of order are not a prefix of the name or of any word; labels are ("com", "tr" of
  // istanbul.com.tr), as is the domain itself, but not a run of labels after the first; a domain is
  // searched whatever its case; the inside of a word is not a prefix.
  it.each([
    ['lojistik', ['İstanbul Lojistik']],
    ['istanbul lojistik', ['İstanbul Lojistik']],
    ['lojistik istanbul', []],
    ['bau gmbh', []],
    ['com', ['İstanbul Lojistik']],
    ['com.tr', []],
    ['istanbul.com', ['İstanbul Lojistik']],
    ['tr', ['İstanbul Lojistik']],
    ['unicode.example', []],
    ['flow.example', []],
    ['fullwidth.EXAMPLE', ['Ｆｕｌｌｗｉｄｔｈ Corp']],
    ['anbul', []],
  ])('a word, the name, the domain or a label: search %j finds %j', async (text, expected) => {
    expect(await search(text)).toEqual(expected);
  });

  it('the exact Microsoft ID, in any case and with surrounding spaces, finds that customer only; part of it finds nothing', async () => {
    const target = customers[3] as Row;
    for (const text of [target.id, target.id.toUpperCase(), ` ${target.id} `]) {
      const rows = (await allPages<Row>(service.url, `/api/customers?search=${encodeURIComponent(text)}`, partner)).rows;
      expect(rows.map((row) => row.id)).toEqual([target.id]);
    }
    expect(await search(target.id.slice(0, 8))).toEqual([]);
    expect(await search(target.id.slice(0, -1))).toEqual([]);
    expect(await search(`{${target.id}}`)).toEqual([]);
  });

  it('another partner’s Microsoft ID finds nothing, not even for a reseller of neither', async () => {
    expect(await search(otherCustomer.id)).toEqual([]);
    expect(await search(customers[0]?.id ?? '', other)).toEqual([]);
  });
});

describe('blank, long and odd searches', () => {
  it('a search of white space only is the whole list', async () => {
    const whole = await names('');
    for (const blank of [' ', '   ', '\t', ' \u00a0 ', '\u3000']) expect(await search(blank), JSON.stringify(blank)).toEqual(whole);
  });

  it('a search with a comma in one parameter is searched as written, not split', async () => {
    const result = await call(service.url, `/api/customers?search=${encodeURIComponent('same,name')}`, { principal: partner });
    expect(result.status).toBe(200);
    expect(result.body.value).toEqual([]);
  });

  it('a search up to the documented limit answers 200 with no match; past it, 400 naming search', async () => {
    const longest = await call(service.url, `/api/customers?search=${'ß'.repeat(256)}`, { principal: partner });
    expect(longest.status).toBe(200);
    expect(longest.body.value).toEqual([]);
    const tooLong = await call(service.url, `/api/customers?search=${'a'.repeat(257)}`, { principal: partner });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'InvalidQueryParameter', target: 'search' });
  });

  it('search characters that mean something to Cosmos SQL or URLs are only text', async () => {
    for (const text of ["'", '"', '\\', '%', '_', '*', '?', ')', "' OR 1=1 --", 'same%'] as const) {
      const result = await call(service.url, `/api/customers?search=${encodeURIComponent(text)}`, { principal: partner });
      expect(result.status, text).toBe(200);
      expect(result.body.value, text).toEqual([]);
    }
  });
});

describe('paging over many equal names, in every sort', () => {
  it.each(['companyName', '-companyName', 'domain', '-domain'])('sort=%s: every page size lists each row once, in order, ties by id', async (sort) => {
    const expected = expectedOrder(customers, sort);
    for (const top of [1, 2, 4, 7]) {
      const { rows, pages } = await allPages<Row>(service.url, `/api/customers?sort=${sort}&top=${top}`, partner);
      expect(
        rows.map((row) => row.id),
        `top=${top}`,
      ).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / top));
    }
  });

  it.each(['companyName', '-companyName', 'domain', '-domain'])('sort=%s within a search and within a reseller keeps that order over pages', async (sort) => {
    const twinsOnly = customers.filter((row) => foldText(row.companyName) === 'same name');
    expect((await allPages<Row>(service.url, `/api/customers?search=same&sort=${sort}&top=3`, partner)).rows.map((row) => row.id)).toEqual(
      expectedOrder(twinsOnly, sort),
    );
    const ones = customers.filter((row) => row.resellerId === RESELLER_ONE);
    expect((await allPages<Row>(service.url, `/api/customers?resellerId=${RESELLER_ONE}&sort=${sort}&top=2`, partner)).rows.map((row) => row.id)).toEqual(
      expectedOrder(ones, sort),
    );
    expect((await allPages<Row>(service.url, `/api/customers?sort=${sort}&top=2`, resellerOne)).rows.map((row) => row.id)).toEqual(expectedOrder(ones, sort));
  });

  it('a nextLink may be followed with another page size (top is not part of the position)', async () => {
    const first = await call(service.url, '/api/customers?sort=-domain&top=3', { principal: partner });
    const next = new URL(first.body.nextLink, service.url);
    next.searchParams.set('top', '1000');
    const rest = await call(service.url, `${next.pathname}${next.search}`, { principal: partner });
    expect(rest.status).toBe(200);
    expect([...first.body.value, ...rest.body.value].map((row: Row) => row.id)).toEqual(expectedOrder(customers, '-domain'));
    expect(rest.body.nextLink).toBeUndefined();
  });

  it('count=true is exact for the list, a reseller and a search, on every page', async () => {
    const first = await call(service.url, '/api/customers?count=true&top=2', { principal: partner });
    expect(first.body).toMatchObject({ count: customers.length, countIsCapped: false });
    const second = await call(service.url, first.body.nextLink, { principal: partner });
    expect(second.body).toMatchObject({ count: customers.length, countIsCapped: false });
    const ones = customers.filter((row) => row.resellerId === RESELLER_ONE).length;
    expect((await call(service.url, '/api/customers?count=true', { principal: resellerOne })).body.count).toBe(ones);
    // A reseller asking for another reseller's count learns nothing.
    expect((await call(service.url, `/api/customers?count=true&resellerId=${RESELLER_TWO}`, { principal: resellerOne })).body).toMatchObject({
      value: [],
      count: 0,
    });
    expect((await call(service.url, '/api/customers?count=true&search=same', { principal: partner })).body.count).toBe(twins.length);
    expect((await call(service.url, '/api/customers?count=true&search=%20%20', { principal: partner })).body.count).toBe(customers.length);
  });
});

describe('continuation tokens that are not this query’s own', () => {
  const tokenOf = (nextLink: string) => new URL(nextLink, 'http://x').searchParams.get('continuationToken') ?? '';
  const expectRefused = (result: { status: number; body: any; headers: Headers }) => {
    expect(result.status).toBe(400);
    expect(result.body.error).toMatchObject({ code: 'InvalidContinuationToken', target: 'continuationToken' });
    expect(result.headers.get('x-ms-error-code')).toBe('InvalidContinuationToken');
    expect(JSON.stringify(result.body)).not.toMatch(/same name|5ea7c400-1111/i);
  };

  it('another tenant’s token, another reseller filter’s token, and a token of another list are 400', async () => {
    const partnerToken = tokenOf((await call(service.url, '/api/customers?top=1', { principal: partner })).body.nextLink);
    const otherPartnerFirst = await call(service.url, '/api/customers?top=1', { principal: other });
    expect(otherPartnerFirst.body.nextLink).toBeUndefined();
    expectRefused(await call(service.url, `/api/customers?top=1&continuationToken=${partnerToken}`, { principal: other }));
    expectRefused(await call(service.url, `/api/customers?top=1&continuationToken=${partnerToken}`, { principal: resellerTwo }));

    const oneToken = tokenOf((await call(service.url, '/api/customers?top=1', { principal: resellerOne })).body.nextLink);
    expectRefused(await call(service.url, `/api/customers?top=1&continuationToken=${oneToken}`, { principal: resellerTwo }));
    expectRefused(await call(service.url, `/api/customers?top=1&resellerId=${RESELLER_ONE}&continuationToken=${oneToken}`, { principal: partner }));

    const filteredToken = tokenOf((await call(service.url, `/api/customers?top=1&resellerId=${RESELLER_ONE}`, { principal: partner })).body.nextLink);
    expectRefused(await call(service.url, `/api/customers?top=1&continuationToken=${filteredToken}`, { principal: partner }));
    expectRefused(await call(service.url, `/api/customers?top=1&resellerId=${RESELLER_TWO}&continuationToken=${filteredToken}`, { principal: partner }));

    // A customers token on the subscriptions, activity and exports lists.
    for (const path of [`/api/customers/${customers[0]?.id}/subscriptions`, '/api/activity', '/api/exports']) {
      expectRefused(await call(service.url, `${path}?continuationToken=${partnerToken}`, { principal: partner }));
    }
  });

  it('a tampered token is 400: another fingerprint, a cursor of the wrong shape, trailing bytes', async () => {
    const token = tokenOf((await call(service.url, '/api/customers?top=1', { principal: partner })).body.nextLink);
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const forged of [
      encode({ ...decoded, f: `${decoded.f.slice(0, -1)}A` }),
      encode({ ...decoded, k: [1, 2] }),
      encode({ ...decoded, k: [decoded.k[0]] }),
      encode({ ...decoded, k: { 0: 'a', 1: 'b' } }),
      encode({ f: decoded.f }),
      encode(null),
      encode([decoded.f, decoded.k]),
      `${token}==`,
      `${token}.`,
      'A'.repeat(5000),
    ]) {
      expectRefused(await call(service.url, `/api/customers?top=1&continuationToken=${encodeURIComponent(forged)}`, { principal: partner }));
    }
  });

  it('a cursor moved inside the caller’s own query pages on from there and never leaves the scope', async () => {
    const token = tokenOf((await call(service.url, '/api/customers?top=1', { principal: resellerOne })).body.nextLink);
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const moved = Buffer.from(JSON.stringify({ ...decoded, k: ['', ''] })).toString('base64url');
    const { rows } = await allPages<Row>(service.url, `/api/customers?top=1&continuationToken=${moved}`, resellerOne);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.resellerId === RESELLER_ONE)).toBe(true);
  });
});

describe('names and searches longer than a search key', () => {
  it('are cut between characters, never inside one: the stored keys are valid Unicode and a long search still finds the name', async () => {
    const target = customers[7] as Row;
    const writer = principal(PARTNER, ['Customers.ReadWrite']);
    const longName = '😀'.repeat(200);
    const renamed = await call(service.url, `/api/customers/${target.id}/billing-profile`, {
      method: 'PATCH',
      principal: writer,
      headers: { 'if-match': '*' },
      body: { companyName: longName },
    });
    expect(renamed.status).toBe(200);
    const stored = await service.service.ports.customers.getCustomer(PARTNER, target.id);
    const unpaired = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    for (const key of [stored?.sortKey ?? '', ...(stored?.searchKeys ?? [])]) expect(unpaired.test(key), JSON.stringify(key.slice(-2))).toBe(false);
    const rows = (await allPages<Row>(service.url, `/api/customers?search=${encodeURIComponent('😀'.repeat(128))}`, partner)).rows;
    expect(rows.map((row) => row.id)).toEqual([target.id]);
    const back = await call(service.url, `/api/customers/${target.id}/billing-profile`, {
      method: 'PATCH',
      principal: writer,
      headers: { 'if-match': '*' },
      body: { companyName: target.companyName },
    });
    expect(back.status).toBe(200);
  });
});
