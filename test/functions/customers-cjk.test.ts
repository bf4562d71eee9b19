/**
 * Search inside names written without spaces (Han, Hiragana, Katakana, Hangul), through the API on
 * the local Cosmos endpoint: what the store query finds must be exactly what the contract says.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerFilter, matchesFilterSearch } from '../../shared/customers/customer-service.js';
import { refreshCustomerKeys } from '../../shared/customers/refresh-keys.js';
import { foldText } from '../../shared/kernel/text.js';
import { matchesSearch } from '../support/oracles.js';
import { allPages, call, principal, startTestService, type TestService } from '../support/service.js';

const PARTNER = 'aaaaaaaa-0000-4000-8000-0000000000c1';
const RESELLER = 'cccccccc-0000-4000-8000-0000000000c2';
const id = (n: number) => `0000${String(n).padStart(4, '0')}-2222-4222-8222-${String(n).padStart(12, '0')}`;

const NAMED = [
  '台北雲端科技股份有限公司',
  '高雄雲端服務有限公司',
  '東京テクノロジー株式会社',
  '株式会社さくらソフト',
  '삼성전자 주식회사',
  'Contoso 台灣',
  '台灣Contoso科技',
  '雲端 端雲',
  'Contoso Ltd',
];
// Generated names from a small alphabet, so runs repeat and bigrams also meet apart.
const ALPHABET = ['雲', '端', '科', '技', 'テ', 'ク', 'ー', '가', '나', ' ', 'a'];
const GENERATED = fc.sample(
  fc.array(fc.constantFrom(...ALPHABET), { minLength: 2, maxLength: 10 }).map((c) => c.join('').trim() || '雲'),
  {
    numRuns: 40,
    seed: 20261126,
  },
);
const customers = [...NAMED, ...GENERATED].map((companyName, index) => ({
  id: id(index + 1),
  partnerId: PARTNER,
  resellerId: index % 2 === 0 ? RESELLER : null,
  companyName,
  domain: `c${index + 1}.example.com`,
}));

let service: TestService;
const partner = principal(PARTNER);

beforeAll(async () => {
  service = await startTestService({ queues: false });
  const summary = await service.importLines([
    { type: 'partner', id: PARTNER, name: '雲端夥伴' },
    { type: 'reseller', id: RESELLER, partnerId: PARTNER, name: 'Reseller' },
    ...customers.map((customer) => ({
      type: 'customer',
      ...customer,
      relationship: 'Indirect reseller',
      companyProfile: { companyName: customer.companyName, tenantId: customer.id, domain: customer.domain },
    })),
  ]);
  expect(summary.problems).toEqual([]);
});
afterAll(async () => service?.close());

const search = async (text: string, extra = '') =>
  (await allPages(service.url, `/api/customers?search=${encodeURIComponent(text)}${extra}`, partner)).rows.map((row) => row.companyName as string);
const expected = (text: string) => customers.filter((customer) => matchesSearch(customer, text)).map((customer) => customer.companyName);

describe('search inside CJK names', () => {
  it.each([
    ['雲端', ['台北雲端科技股份有限公司', '高雄雲端服務有限公司', '雲端 端雲']],
    ['科技', ['台北雲端科技股份有限公司', '台灣Contoso科技']],
    ['有限公司', ['台北雲端科技股份有限公司', '高雄雲端服務有限公司']],
    ['株式会社', ['東京テクノロジー株式会社', '株式会社さくらソフト']],
    ['テクノロジー', ['東京テクノロジー株式会社']],
    ['ｿﾌﾄ', ['株式会社さくらソフト']],
    ['전자', ['삼성전자 주식회사']],
    ['台灣', ['Contoso 台灣', '台灣Contoso科技']],
    ['contoso', ['Contoso 台灣', '台灣Contoso科技', 'Contoso Ltd']],
    ['雲端雲', []],
    ['灣台', []],
  ])('%s finds exactly the names that contain it', async (text, names) => {
    const found = await search(text);
    for (const name of names) expect(found).toContain(name);
    expect(found.filter((name) => NAMED.includes(name)).sort()).toEqual([...names].sort());
    expect(found.sort()).toEqual(expected(text).sort());
  });

  it('every run of two or more CJK characters of every name finds exactly the names containing it', async () => {
    const runs = new Set<string>();
    for (const customer of customers) {
      const characters = [...foldText(customer.companyName)];
      for (let from = 0; from < characters.length; from += 1) {
        for (let to = from + 2; to <= Math.min(characters.length, from + 5); to += 1) {
          const run = characters.slice(from, to).join('');
          if (/^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]+$/u.test(run)) runs.add(run);
        }
      }
    }
    expect(runs.size).toBeGreaterThan(30);
    for (const run of runs) {
      const found = await search(run);
      expect(found.sort(), run).toEqual(expected(run).sort());
      expect(found.length).toBeGreaterThan(0);
      for (const name of found) expect(foldText(name)).toContain(run);
    }
  });

  it('pages of a CJK search never repeat or skip a row, with the reseller filter too', async () => {
    const all = await search('雲端');
    for (const top of [1, 2]) {
      const { rows } = await allPages(service.url, `/api/customers?search=${encodeURIComponent('雲端')}&top=${top}`, partner);
      expect(rows.map((row) => row.companyName)).toEqual(all);
    }
    const reseller = await search('雲端', `&resellerId=${RESELLER}&top=1`);
    expect(reseller.sort()).toEqual(
      customers
        .filter((customer) => customer.resellerId === RESELLER && matchesSearch(customer, '雲端'))
        .map((customer) => customer.companyName)
        .sort(),
    );
  });

  it('a CJK search keeps every sort order and its count (issue 21), with the reseller filter too', async () => {
    const matching = customers.filter((customer) => matchesSearch(customer, '雲端'));
    const byName = (a: (typeof customers)[0], b: (typeof customers)[0]) =>
      foldText(a.companyName) < foldText(b.companyName) ? -1 : foldText(a.companyName) > foldText(b.companyName) ? 1 : a.id < b.id ? -1 : 1;
    const byDomain = (a: (typeof customers)[0], b: (typeof customers)[0]) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : a.id < b.id ? -1 : 1);
    const orders: Record<string, string[]> = {
      companyName: [...matching].sort(byName).map((customer) => customer.id),
      '-companyName': [...matching]
        .sort(byName)
        .reverse()
        .map((customer) => customer.id),
      domain: [...matching].sort(byDomain).map((customer) => customer.id),
      '-domain': [...matching]
        .sort(byDomain)
        .reverse()
        .map((customer) => customer.id),
    };
    for (const [sort, ids] of Object.entries(orders)) {
      const path = `/api/customers?search=${encodeURIComponent('雲端')}&sort=${encodeURIComponent(sort)}&top=2`;
      const first = await call(service.url, `${path}&count=true`, { principal: partner });
      expect(first.body, sort).toMatchObject({ count: matching.length, countIsCapped: false });
      expect(
        (await allPages(service.url, path, partner)).rows.map((row) => row.id),
        sort,
      ).toEqual(ids);
    }
    const ofReseller = matching.filter((customer) => customer.resellerId === RESELLER);
    const counted = await call(service.url, `/api/customers?search=${encodeURIComponent('雲端')}&resellerId=${RESELLER}&count=true&sort=-domain`, {
      principal: partner,
    });
    expect(counted.body.count).toBe(ofReseller.length);
    expect(counted.body.value.map((row: { id: string }) => row.id)).toEqual(
      [...ofReseller]
        .sort(byDomain)
        .reverse()
        .map((customer) => customer.id),
    );
  });

  it('the in-memory rule that exports as of their start apply to renamed customers agrees with the store', async () => {
    const scope = { partnerId: PARTNER, resellerId: null, tenantId: PARTNER, userName: 'tester' };
    for (const text of ['雲端', '端科技', 'テクノロジー', 'ｿﾌﾄ', '台灣', 'contoso', '端雲', '灣台', 'c1']) {
      const filter = customerFilter(scope, text, undefined);
      if (!filter) throw new Error('no filter');
      const inMemory = customers.filter((customer) => matchesFilterSearch(filter, customer)).map((customer) => customer.companyName);
      expect(inMemory.sort(), text).toEqual((await search(text)).sort());
    }
  });

  it('a rename to a CJK name (a readable name, issue 17) is found inside at once, and counted once', async () => {
    const target = customers.find((customer) => customer.companyName === 'Contoso Ltd');
    const before = (await call(service.url, `/api/customers?search=${encodeURIComponent('資訊')}&count=true`, { principal: partner })).body;
    expect(before.count).toBe(0);
    const current = await call(service.url, `/api/customers/${target?.id}`, { principal: partner });
    const renamed = await call(service.url, `/api/customers/${target?.id}/billing-profile`, {
      method: 'PATCH',
      principal: principal(PARTNER, ['Customers.ReadWrite']),
      headers: { 'if-match': current.headers.get('etag') ?? '' },
      body: { companyName: '新竹資訊有限公司' },
    });
    expect(renamed.status).toBe(200);
    const after = (await call(service.url, `/api/customers?search=${encodeURIComponent('資訊')}&count=true`, { principal: partner })).body;
    expect(after).toMatchObject({ count: 1, countIsCapped: false });
    expect(after.value.map((row: { companyName: string }) => row.companyName)).toEqual(['新竹資訊有限公司']);
    const total = (await call(service.url, '/api/customers?count=true&top=1', { principal: partner })).body.count;
    expect(total).toBe(customers.length);
    // Back, so the other tests see the fixture as it was.
    await call(service.url, `/api/customers/${target?.id}/billing-profile`, {
      method: 'PATCH',
      principal: principal(PARTNER, ['Customers.ReadWrite']),
      headers: { 'if-match': renamed.headers.get('etag') ?? '' },
      body: { companyName: 'Contoso Ltd' },
    });
  });

  it('customers stored before the CJK keys existed are found once their keys are refreshed', async () => {
    const target = customers[0];
    const stored = await service.service.ports.customers.getCustomer(PARTNER, target?.id ?? '');
    if (!stored) throw new Error('fixture missing');
    const { searchBigrams: _dropped, etag: _etag, ...older } = stored;
    await service.service.store.customers.items.upsert(older);
    expect(await search('端科技')).not.toContain(target?.companyName);
    expect(await search('雲端')).not.toContain(target?.companyName);

    const first = await refreshCustomerKeys(service.service.ports.customers);
    expect(first.checked).toBe(customers.length);
    expect(first.updated).toBe(1);
    expect(await search('雲端')).toContain(target?.companyName);
    expect(await refreshCustomerKeys(service.service.ports.customers)).toEqual({ checked: customers.length, updated: 0 });
  });
});
