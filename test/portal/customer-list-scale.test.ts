/**
 * The customer list at scale, in a real browser: 5,000 customers imported into the local store.
 * The page holds one page of rows however far the user goes; the counts are right at once after
 * an import, a rename and a reseller change; the search, filter and sort live in the URL.
 * (The local Cosmos endpoint scans every document for each query page, so this stays at 5,000.)
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomerRecord } from '../../shared/customers/customer.js';
import { launchChromium } from '../support/browser.js';
import { customerId } from '../support/fixtures.js';
import { allPages, call, principal, startTestService, type TestService } from '../support/service.js';

const PARTNER = 'a5000000-0000-4000-8000-000000000001';
const RESELLER_NORTH = 'a5000000-0000-4000-8000-000000000002';
const RESELLER_SOUTH = 'a5000000-0000-4000-8000-000000000003';
const ADMIN = principal(PARTNER, ['Customers.ReadWrite'], 'ada@scale.example');
const CUSTOMERS = 5000;
const PAGE_SIZE = 500;
/** Element nodes the page may hold, whatever page is shown: about a page of rows and the page around them. */
const NODE_BOUND = PAGE_SIZE * 14 + 600;
const ARTIFACTS = path.resolve('test/artifacts');

const resellerOf = (n: number) => (n % 5 === 0 ? RESELLER_NORTH : n % 5 === 1 ? RESELLER_SOUTH : null);
const customerLine = (n: number, companyName: string, resellerId: string | null) => ({
  type: 'customer',
  id: customerId(n),
  partnerId: PARTNER,
  resellerId,
  companyName,
  domain: `c${n}.${['contoso', 'fabrikam', 'adatum', 'litware'][n % 4]}.example`,
});

let service: TestService;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [service, browser] = await Promise.all([startTestService({ queues: false, env: { LOCAL_DEV_PRINCIPAL: ADMIN } }), launchChromium()]);
  const lines: unknown[] = [
    { type: 'partner', id: PARTNER, name: 'Scale Partner' },
    { type: 'reseller', id: RESELLER_NORTH, partnerId: PARTNER, name: 'North Reseller' },
    { type: 'reseller', id: RESELLER_SOUTH, partnerId: PARTNER, name: 'South Reseller' },
  ];
  expect((await service.importLines(lines)).problems).toEqual([]);
  // The 5,000 go straight into the store, 32 writes at a time (the import's read, write and
  // counter update per line would take minutes here), and their counts come from the
  // reconciliation's recount, as for customers stored before counts were kept. The tests then
  // import, rename and move customers through the real paths.
  const records = Array.from({ length: CUSTOMERS }, (_, index) => {
    const n = index + 1;
    const name = n === CUSTOMERS - 1 ? 'Acme East' : n === CUSTOMERS ? 'Acme West' : `Customer ${String(n).padStart(5, '0')}`;
    const line = customerLine(n, name, n >= CUSTOMERS - 1 ? RESELLER_NORTH : resellerOf(n));
    return buildCustomerRecord({ ...line, relationship: 'Indirect reseller', companyProfile: { companyName: name, tenantId: line.id, domain: line.domain } });
  });
  for (let index = 0; index < records.length; index += 32)
    await Promise.all(records.slice(index, index + 32).map((record) => service.service.ports.customers.upsertCustomer(record)));
  expect(await service.services.customerCounts.reconcile({ checkSeconds: 0, quietSeconds: 0 })).toBe(1);
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

async function openPortal(hashPath = '/'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${service.url}/?pageSize=${PAGE_SIZE}${hashPath === '/' ? '' : hashPath.slice(1)}`);
  await page.waitForSelector('body[data-ready]');
  return page;
}

/** The local endpoint scans every document for each query page: allow for it under load. */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 30_000, interval: 200 });
const status = (page: Page) => page.locator('#customers-status');
const elementCount = (page: Page) => page.evaluate(() => document.getElementsByTagName('*').length);
const shownIds = (page: Page) => page.locator('tr.customer-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-customer-id')));
const countOf = async (query: string) => (await call(service.url, `/api/customers?count=true&top=1&${query}`, { principal: ADMIN })).body.count as number;

describe('the customer list at 5,000 customers', () => {
  it('holds one page of rows from the first page to the last, from the keyboard, with positions for screen readers', async () => {
    const page = await openPortal();
    await eventually(() => status(page).textContent()).toBe(`5,000 customers. Showing 1 to ${PAGE_SIZE}.`);
    expect(await page.locator('#customers-table').getAttribute('aria-rowcount')).toBe(String(CUSTOMERS + 1));
    const next = page.getByRole('button', { name: 'Next page' });
    await next.focus();
    const seen = [...(await shownIds(page))];
    const nodes = [await elementCount(page)];
    for (let turn = 1; turn < CUSTOMERS / PAGE_SIZE; turn += 1) {
      await page.keyboard.press('Enter');
      const first = turn * PAGE_SIZE + 1;
      await eventually(() => status(page).textContent()).toBe(
        `5,000 customers. Showing ${first.toLocaleString('en-US')} to ${(first + PAGE_SIZE - 1).toLocaleString('en-US')}.`,
      );
      expect(await page.locator('tr.customer-row').first().getAttribute('aria-rowindex')).toBe(String(first + 1));
      seen.push(...(await shownIds(page)));
      nodes.push(await elementCount(page));
    }
    expect(await next.isDisabled()).toBe(true);
    expect(Math.max(...nodes)).toBeLessThan(NODE_BOUND);
    expect(Math.max(...nodes) - Math.min(...nodes)).toBeLessThan(50);
    expect(new Set(seen).size).toBe(CUSTOMERS);
    const listed = (await allPages(service.url, '/api/customers?top=1000', ADMIN)).rows.map((row) => row.id);
    expect(seen).toEqual(listed);
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-last-page.png') });
  });

  it('shows counts that are right at once after an import, a rename and a reseller change', async () => {
    const page = await openPortal();
    await eventually(() => status(page).textContent()).toMatch(/^5,000 customers\./);
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('customer');
    await eventually(() => status(page).textContent()).toMatch(/^1,000\+ matches for “customer”\./);
    // An import of three more customers, one of them North's.
    const northBefore = await countOf(`resellerId=${RESELLER_NORTH}`);
    const added = [CUSTOMERS + 1, CUSTOMERS + 2, CUSTOMERS + 3].map((n) => customerLine(n, `Acme ${n}`, n === CUSTOMERS + 1 ? RESELLER_NORTH : null));
    expect((await service.importLines(added)).problems).toEqual([]);
    await page.goto(`${service.url}/?pageSize=${PAGE_SIZE}#/`);
    await page.waitForSelector('body[data-ready]');
    await eventually(() => status(page).textContent()).toMatch(/^5,003 customers\./);
    await page.getByLabel('Filter by indirect reseller').selectOption({ label: 'North Reseller' });
    await eventually(() => status(page).textContent()).toMatch(new RegExp(`^${(northBefore + 1).toLocaleString('en-US')} customers of North Reseller\\.`));
    // A reseller change: one of North's moves to South.
    expect((await service.importLines([customerLine(5, 'Customer 00005', RESELLER_SOUTH)])).problems).toEqual([]);
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    await eventually(() => status(page).textContent()).toMatch(new RegExp(`^${northBefore.toLocaleString('en-US')} customers of North Reseller\\.`));
    // A rename in the page: the search's count follows at once.
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('acme');
    await eventually(() => status(page).textContent()).toBe('3 matches for “acme” among the customers of North Reseller.');
    const row = page.locator('tr.customer-row', { has: page.getByRole('link', { name: 'Acme West', exact: true }) });
    await row.getByRole('button', { name: 'Show details' }).click();
    await page.locator('td[data-loaded]').waitFor();
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New Bill-to company name').fill('Westward Trading');
    await page.getByRole('button', { name: 'Save' }).click();
    await eventually(() => status(page).textContent()).toBe('2 matches for “acme” among the customers of North Reseller.');
  });

  it('keeps the search, the filter and the sort in the URL: Back, reload and a shared link restore the view', async () => {
    const page = await openPortal();
    await eventually(() => status(page).textContent()).toMatch(/^5,0\d\d customers\./);
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('customer 001');
    await eventually(() => page.evaluate(() => window.location.hash)).toBe('#/?search=customer+001');
    await page.getByLabel('Filter by indirect reseller').selectOption({ label: 'South Reseller' });
    await page.getByLabel('Sort by').selectOption({ label: 'Primary domain, Z to A' });
    const hash = `#/?search=customer+001&reseller=${RESELLER_SOUTH}&sort=-domain`;
    await eventually(() => page.evaluate(() => window.location.hash)).toBe(hash);
    const expected = (await allPages(service.url, `/api/customers?search=customer%20001&resellerId=${RESELLER_SOUTH}&sort=-domain`, ADMIN)).rows;
    expect(expected.length).toBe(20);
    const shownView = async (target: Page) => ({
      ids: await shownIds(target),
      search: await target.getByRole('searchbox', { name: 'Search customers' }).inputValue(),
      reseller: await target.getByLabel('Filter by indirect reseller').inputValue(),
      sort: await target.getByLabel('Sort by').inputValue(),
      domainSort: await target.locator('#customers-domain-column').getAttribute('aria-sort'),
    });
    const sortedView = { ids: expected.map((row) => row.id), search: 'customer 001', reseller: RESELLER_SOUTH, sort: '-domain', domainSort: 'descending' };
    await eventually(() => shownView(page)).toEqual(sortedView);
    // Back: the same search and filter, sorted by company name again.
    await page.goBack();
    const byName = (await allPages(service.url, `/api/customers?search=customer%20001&resellerId=${RESELLER_SOUTH}`, ADMIN)).rows.map((row) => row.id);
    await eventually(() => shownView(page)).toEqual({ ids: byName, search: 'customer 001', reseller: RESELLER_SOUTH, sort: 'companyName', domainSort: null });
    await page.goForward();
    await eventually(() => shownView(page)).toEqual(sortedView);
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    expect(await shownView(page)).toEqual(sortedView);
    // A shared link, opened in a new browser context.
    const shared = await openPortal(`/${hash}`);
    expect(await shownView(shared)).toEqual(sortedView);
    expect(await status(shared).textContent()).toBe(`${expected.length} matches for “customer 001” among the customers of South Reseller.`);
  });
});
