/**
 * The partner portal in a real browser (Chromium, driven by playwright-core) against the real
 * function table on the local runner: what a partner does with the page, through the public API.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSession } from '../support/browser.js';
import { customerCells, expectedCsv, HEADERS, subscriptionCells } from '../support/csv-expectations.js';
import { customerId, fixtureRecords, OTHER_PARTNER, PROVIDER, providerCustomers, RESELLER_A } from '../support/fixtures.js';
import { allPages, call, principal, renameCustomer, startTestService, type TestService } from '../support/service.js';

const ARTIFACTS = path.resolve('test/artifacts');
const ADMIN = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');
const READER = principal(PROVIDER, ['Customers.Read'], 'rita@provider.example');
const OTHER = principal(OTHER_PARTNER, ['Customers.ReadWrite'], 'otto@other.example');
/** A company name that would run script if the page ever put data into innerHTML. */
const MARKUP_NAME = '<img src=x onerror="window.__injected=1"><b>Bold</b> & Co';
const MARKUP_ID = customerId(500);

let service: TestService;
const browser = browserSession();
/** Script errors and CSP violations on any page of the current test. */

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [service] = await Promise.all([startTestService({ env: { LOCAL_DEV_PRINCIPAL: ADMIN } }), browser.launch()]);
  const records = fixtureRecords();
  records.push({
    type: 'customer',
    id: MARKUP_ID,
    partnerId: PROVIDER,
    resellerId: null,
    companyName: MARKUP_NAME,
    domain: 'markup.example',
    relationship: 'Direct reseller',
    companyProfile: { companyName: MARKUP_NAME, tenantId: MARKUP_ID, domain: 'markup.example' },
  });
  expect((await service.importLines(records)).problems).toEqual([]);
});

afterAll(async () => {
  await service?.close();
});

interface Portal {
  page: Page;
  context: BrowserContext;
  /** Every URL the page requested. */
  requests: string[];
  /** Console errors and uncaught exceptions (a CSP violation is one). */
  errors: string[];
}

/** Opens the portal as the local runner's principal, or as another one via the identity header. */
async function openPortal(options: { as?: string; width?: number; height?: number; path?: string } = {}): Promise<Portal> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    timezoneId: 'UTC',
    ...(options.as ? { extraHTTPHeaders: { 'x-ms-client-principal': options.as } } : {}),
  });
  const page = browser.watch(await context.newPage());
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  // A 4xx the page asked for (412, 403, 400) is logged by Chromium too: in `errors`, not a problem.
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${service.url}${options.path ?? '/'}`);
  await page.waitForSelector('body[data-ready]');
  return { page, context, requests, errors };
}

const rowNames = (page: Page) => page.locator('#customers-table tbody tr.customer-row th').allInnerTexts();
const customerRow = (page: Page, name: string | RegExp) => page.locator('tr.customer-row', { has: page.getByRole('link', { name, exact: true }) });
const statusText = (page: Page) => page.locator('#customers-status').innerText();

async function waitForStatus(page: Page, selector: string, expected: string | RegExp) {
  await page.waitForFunction(
    ([target, text, isPattern]) => {
      const content = document.querySelector(target as string)?.textContent ?? '';
      return isPattern ? new RegExp(text as string).test(content) : content === text;
    },
    [selector, expected instanceof RegExp ? expected.source : expected, expected instanceof RegExp] as const,
  );
}

/** Clicks an export button and waits for the notification that the export is ready, with its Download link. */
async function exportFromPage(page: Page, buttonName: string) {
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => candidate.url().endsWith('/api/exports') && candidate.request().method() === 'POST'),
    page.getByRole('button', { name: buttonName }).click(),
  ]);
  expect(response.status()).toBe(202);
  const started = await response.json();
  const item = page.locator(`#notifications [data-export-id="${started.id}"]`);
  const link = item.getByRole('link', { name: /^Download/ });
  await link.waitFor({ timeout: 30_000 });
  const downloadUrl = (await link.getAttribute('href')) ?? '';
  const download = await fetch(downloadUrl);
  expect(download.status).toBe(200);
  return { started, bytes: Buffer.from(await download.arrayBuffer()), item };
}

async function expandRow(page: Page, name: string) {
  const row = customerRow(page, name);
  await row.getByRole('button', { name: 'Show details' }).click();
  const details = page.locator(`#${await row.getByRole('button', { name: 'Hide details' }).getAttribute('aria-controls')}`);
  // The details are read (with the ETag) when the row opens.
  await details.locator('td[data-loaded]').waitFor();
  return details;
}

const renameThroughApi = (id: string, companyName: string) => renameCustomer(service.url, ADMIN, id, companyName);

describe('the customer list', () => {
  it("lists every customer in the API's order, says how many, and loads nothing from elsewhere", async () => {
    const { page, requests, errors } = await openPortal();
    const listed = (await allPages(service.url, '/api/customers', ADMIN)).rows.map((row) => row.companyName);
    expect(await rowNames(page)).toEqual(listed);
    expect(await statusText(page)).toBe(`${listed.length} customers.`);
    expect(listed).toHaveLength(providerCustomers.length + 1);
    expect(requests.every((url) => url.startsWith(`${service.url}/`))).toBe(true);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-desktop.png'), fullPage: true });
  });

  it('shows company names as text: markup in a name is never run', async () => {
    const { page } = await openPortal();
    const link = page.getByRole('link', { name: MARKUP_NAME, exact: true });
    expect(await link.textContent()).toBe(MARKUP_NAME);
    expect(await page.locator('#customers-table img, #customers-table b').count()).toBe(0);
    await expandRow(page, MARKUP_NAME);
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
    expect(await page.locator('#customers-table img, #customers-table b').count()).toBe(0);
    // The name with a line break keeps it.
    expect(await page.getByRole('link', { name: /^Line\s+Break Foods$/ }).innerText()).toBe('Line\nBreak Foods');
  });

  it('searches name and domain as you type, accent-insensitively, with one request per pause', async () => {
    const { page, requests } = await openPortal();
    const search = page.getByRole('searchbox', { name: 'Search customers' });
    await search.pressSequentially('muller');
    await waitForStatus(page, '#customers-status', '1 match for “muller”.');
    expect(await rowNames(page)).toEqual(['Müller & Söhne GmbH']);
    const searches = requests.filter((url) => url.includes('/api/customers?') && url.includes('search='));
    expect(searches.length).toBeLessThan('muller'.length);
    await search.fill('onmicrosoft');
    await waitForStatus(page, '#customers-status', '2 matches for “onmicrosoft”.');
    expect(await rowNames(page)).toEqual(['Contoso Ltd', 'Fabrikam Inc.']);
    await search.fill('zzz-nobody');
    await waitForStatus(page, '#customers-status', 'No matches for “zzz-nobody”.');
    expect(await page.locator('#customers-table').isVisible()).toBe(false);
  });

  it('pages over nextLink with Next, Previous and First, never repeating or skipping a row', async () => {
    const { page, requests } = await openPortal({ path: '/?pageSize=5', height: 500 });
    const total = providerCustomers.length + 1;
    const listed = (await allPages(service.url, '/api/customers', ADMIN)).rows.map((row) => row.id);
    const shownIds = () => page.locator('tr.customer-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-customer-id')));
    await waitForStatus(page, '#customers-status', `${total} customers. Showing 1 to 5.`);
    const seen: Array<string | null> = [...(await shownIds())];
    const next = page.getByRole('button', { name: 'Next page' });
    for (let turn = 1; await next.isEnabled(); turn += 1) {
      await next.click();
      await waitForStatus(page, '#customers-status', `${total} customers. Showing ${turn * 5 + 1} to ${Math.min(total, turn * 5 + 5)}.`);
      const ids = await shownIds();
      expect(ids.length).toBeLessThanOrEqual(5);
      seen.push(...ids);
    }
    expect(seen).toEqual(listed);
    expect(requests.filter((url) => url.includes('continuationToken=')).length).toBe(Math.ceil(total / 5) - 1);
    // Each row says where it is in the whole list, for screen readers.
    expect(await page.locator('#customers-table').getAttribute('aria-rowcount')).toBe(String(total + 1));
    expect(await page.locator('tr.customer-row').first().getAttribute('aria-rowindex')).toBe(String(Math.floor((total - 1) / 5) * 5 + 2));
    await page.getByRole('button', { name: 'Previous page' }).click();
    await waitForStatus(page, '#customers-status', /Showing 11 to 15\.$/);
    expect(await shownIds()).toEqual(listed.slice(10, 15));
    await page.getByRole('button', { name: 'First page' }).click();
    await waitForStatus(page, '#customers-status', `${total} customers. Showing 1 to 5.`);
    expect(await shownIds()).toEqual(listed.slice(0, 5));
    expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
  });

  it('filters by indirect reseller, and exports exactly what the list shows as Excel-ready CSV', async () => {
    const { page } = await openPortal();
    await page.getByLabel('Filter by indirect reseller').selectOption({ label: 'Reseller A' });
    const expected = (await allPages(service.url, `/api/customers?resellerId=${RESELLER_A}`, ADMIN)).rows;
    await waitForStatus(page, '#customers-status', `${expected.length} customers of Reseller A.`);
    expect(await rowNames(page)).toEqual(expected.map((row) => row.companyName));
    const { started, bytes, item } = await exportFromPage(page, 'Export customers');
    expect(started.filter).toEqual({ resellerId: RESELLER_A, timeZone: 'UTC' });
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    expect(bytes.toString('utf8').startsWith('\ufeffMicrosoft ID,Company name,Primary domain name,Relationship\r\n')).toBe(true);
    expect(bytes.equals(expectedCsv(HEADERS.customers, expected.map(customerCells)))).toBe(true);
    expect(await item.innerText()).toContain(`Your export is ready and downloading: ${started.fileName}`);

    // With a search too, the export carries both.
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('contoso');
    await waitForStatus(page, '#customers-status', '1 match for “contoso” among the customers of Reseller A.');
    const narrowed = await exportFromPage(page, 'Export customers');
    expect(narrowed.started.filter).toEqual({ search: 'contoso', resellerId: RESELLER_A, timeZone: 'UTC' });
    expect(narrowed.bytes.toString('utf8').split('\r\n')).toHaveLength(3);
  });

  it('a direct partner without resellers sees its own customers and no reseller filter', async () => {
    const { page } = await openPortal({ as: OTHER });
    expect(await rowNames(page)).toEqual(['Contoso Ltd', 'Other Partner Customer']);
    expect(await page.getByLabel('Filter by indirect reseller').isVisible()).toBe(false);
    expect(await page.getByText('Filter by indirect reseller').isVisible()).toBe(false);
  });
});

describe('skip links', () => {
  it('the second Tab of the page shows "Skip to exports", and Enter opens the exports with focus on their heading', async () => {
    const { page } = await openPortal();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to exports' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to exports');
    expect((await skip.boundingBox())?.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'exports-heading');
    expect(new URL(page.url()).hash).toBe('#/exports');
    expect(await page.locator('#exports-view').isVisible()).toBe(true);
  });
});

describe("a customer's details and rename", () => {
  it('works from the keyboard: the row expands to the Microsoft ID (copyable), quick links and Bill-to name', async () => {
    const { page, context } = await openPortal();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.url });
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('fabrikam');
    await waitForStatus(page, '#customers-status', '1 match for “fabrikam”.');
    // Search box, reseller filter, sort, the file type, reseller columns, Export customers, the
    // company name, then Show details.
    for (let tab = 0; tab < 7; tab += 1) await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(await focused()).toBe('Show details');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    const fabrikam = providerCustomers.find((customer) => customer.companyName === 'Fabrikam Inc.');
    const details = page.locator(`#customer-${fabrikam?.id}-details`);
    await details.locator('td[data-loaded]').waitFor();
    // The toggle says what it will do next, and its state.
    expect(await customerRow(page, 'Fabrikam Inc.').getByRole('button', { name: 'Hide details' }).getAttribute('aria-expanded')).toBe('true');
    expect(await details.locator('code').innerText()).toBe(fabrikam?.id);
    await details.getByRole('button', { name: 'Copy Microsoft ID' }).click();
    await waitForStatus(page, `#customer-${fabrikam?.id}-details dd button`, 'Copied');
    // The accessible name follows the visible state.
    expect(await details.getByRole('button', { name: 'Microsoft ID copied' }).count()).toBe(1);
    await details.getByRole('button', { name: 'Copy Microsoft ID' }).waitFor({ timeout: 5000 });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(fabrikam?.id);
    expect(await details.getByRole('link', { name: 'Subscriptions' }).getAttribute('href')).toBe(`#/customers/${fabrikam?.id}/subscriptions`);
    expect(await details.getByRole('link', { name: /^Microsoft 365 admin center/ }).getAttribute('href')).toMatch(/^https:\/\//);
    expect(await details.getByRole('link', { name: /^Azure portal/ }).getAttribute('href')).toMatch(/^https:\/\//);
    expect(await details.locator('.bill-to').innerText()).toBe('Fabrikam Inc.');
    const toggle = customerRow(page, 'Fabrikam Inc.').locator('button.toggle');
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await toggle.innerText()).toBe('Show details');
    expect(await details.isVisible()).toBe(false);
  });

  it('renames with If-Match: the new name shows at once in the row, the API and the activity log', async () => {
    const { page } = await openPortal();
    const details = await expandRow(page, 'alpha analytics');
    await details.getByRole('button', { name: 'Rename' }).click();
    await details.getByLabel('New Bill-to company name').fill('Alpha Analytics Group');
    await details.getByRole('button', { name: 'Save' }).click();
    await details.getByText('Saved. The Bill-to company name is now “Alpha Analytics Group”.').waitFor();
    expect(await page.getByRole('link', { name: 'Alpha Analytics Group', exact: true }).count()).toBe(1);
    const target = providerCustomers.find((customer) => customer.companyName === 'alpha analytics');
    const read = await call(service.url, `/api/customers/${target?.id}`, { principal: ADMIN });
    expect(read.body.companyName).toBe('Alpha Analytics Group');
    const activity = await call(service.url, `/api/activity?customerId=${target?.id}&operation=UpdateCustomerCompanyName`, { principal: ADMIN });
    expect(activity.body.value[0]).toMatchObject({
      user: 'ada@provider.example',
      details: { oldCompanyName: 'alpha analytics', newCompanyName: 'Alpha Analytics Group' },
    });
  });

  it('explains a 412 when someone else changed the name meanwhile, changes nothing, and saves after Reload', async () => {
    const { page } = await openPortal();
    const zeta = providerCustomers.find((customer) => customer.companyName === 'Zeta Systems');
    const details = await expandRow(page, 'Zeta Systems');
    await details.getByRole('button', { name: 'Rename' }).click();
    await renameThroughApi(zeta?.id ?? '', 'Zeta Systems (changed elsewhere)');
    await details.getByLabel('New Bill-to company name').fill('Zeta Systems Mine');
    await details.getByRole('button', { name: 'Save' }).click();
    const alert = details.getByRole('alert');
    await alert.getByRole('button', { name: 'Reload' }).waitFor();
    expect(await alert.innerText()).toMatch(/changed by someone else.*not saved.*Reload to see the current name/s);
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-rename-412.png') });
    expect((await call(service.url, `/api/customers/${zeta?.id}`, { principal: ADMIN })).body.companyName).toBe('Zeta Systems (changed elsewhere)');
    await alert.getByRole('button', { name: 'Reload' }).click();
    await details.getByText('Reloaded. The current name is “Zeta Systems (changed elsewhere)”.', { exact: false }).waitFor();
    expect(await details.getByLabel('New Bill-to company name').inputValue()).toBe('Zeta Systems Mine');
    await details.getByRole('button', { name: 'Save' }).click();
    await details.getByText('Saved.', { exact: false }).waitFor();
    expect((await call(service.url, `/api/customers/${zeta?.id}`, { principal: ADMIN })).body.companyName).toBe('Zeta Systems Mine');
  });

  it('explains a name the service refuses, and Cancel leaves the name as it was', async () => {
    const { page } = await openPortal();
    const details = await expandRow(page, 'Ålesund Shipping');
    await details.getByRole('button', { name: 'Rename' }).click();
    await details.getByLabel('New Bill-to company name').fill('   ');
    await details.getByRole('button', { name: 'Save' }).click();
    await details.getByRole('alert').getByText('The name was not saved', { exact: false }).waitFor();
    expect(await details.getByRole('alert').innerText()).toMatch(/1 to 255 characters/);
    await details.getByRole('button', { name: 'Cancel' }).click();
    expect(await details.getByLabel('New Bill-to company name').isVisible()).toBe(false);
    expect(await details.locator('.bill-to').innerText()).toBe('Ålesund Shipping');
  });

  it('does not offer Rename to a read-only user, and says why', async () => {
    const { page } = await openPortal({ as: READER });
    expect(await page.locator('#role-note').innerText()).toContain('read-only');
    const details = await expandRow(page, "O'Brien Consulting");
    expect(await details.getByRole('button', { name: 'Rename' }).count()).toBe(0);
    expect(await details.getByLabel('New Bill-to company name').count()).toBe(0);
    expect(await details.innerText()).toContain('Renaming needs the Customers.ReadWrite role');
  });
});

describe('subscriptions and activity', () => {
  it('selecting a company name opens its subscriptions, which export to CSV', async () => {
    const { page } = await openPortal();
    await page.getByRole('link', { name: 'Contoso Ltd', exact: true }).click();
    await waitForStatus(page, '#subscriptions-status', '3 subscriptions.');
    await waitForStatus(page, '#subscriptions-heading', 'Subscriptions of Contoso Ltd');
    const contoso = providerCustomers[0];
    const rows = await page
      .locator('#subscriptions-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => (cell as HTMLElement).innerText)));
    const listed = (await allPages(service.url, `/api/customers/${contoso?.id}/subscriptions`, ADMIN)).rows;
    expect(rows.map((cells) => cells[0]?.split('\n')[0])).toEqual(listed.map((s) => s.offerName));
    const first = listed[0];
    expect(rows[0]?.slice(1)).toEqual([
      String(first.quantity),
      first.status.charAt(0).toUpperCase() + first.status.slice(1),
      first.resellerId ? 'Reseller A' : '—',
    ]);
    expect(rows.some((cells) => cells[3] === '—')).toBe(true);
    const { started, bytes } = await exportFromPage(page, 'Export subscriptions');
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-subscriptions.png') });
    expect(started.filter).toEqual({ customerId: contoso?.id, timeZone: 'UTC' });
    expect(bytes.toString('utf8').startsWith('\ufeffSubscription ID,Subscription,Quantity,Status,Reseller\r\n')).toBe(true);
    expect(bytes.equals(expectedCsv(HEADERS.subscriptions, listed.map(subscriptionCells)))).toBe(true);
    await page.getByRole('link', { name: '← All customers' }).click();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
  });

  it('shows the activity for a date range and exports it', async () => {
    const target = providerCustomers.find((customer) => customer.companyName === 'Ærø Fisk ApS');
    await renameThroughApi(target?.id ?? '', 'Ærø Fisk & Co');
    const { page } = await openPortal({ path: '/#/activity' });
    await waitForStatus(page, '#activity-status', /^\d+ activity records? in [A-Z][a-z]+ \d+\s–\s.*\d{4}\.$/);
    const row = page.locator('#activity-table tbody tr', { hasText: '“Ærø Fisk ApS” → “Ærø Fisk & Co”' });
    expect(await row.innerText()).toContain('Renamed a customer');
    expect(await row.innerText()).toContain('ada@provider.example');
    const { started, bytes } = await exportFromPage(page, 'Export activity');
    expect(started.type).toBe('activity');
    expect(new Date(started.filter.to).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(started.filter.to).getTime() - new Date(started.filter.from).getTime()).toBeGreaterThan(6 * 86_400_000);
    expect(bytes.toString('utf8').startsWith('\ufeffDate,Operation,Customer ID,Customer name,User,Status,Details\r\n')).toBe(true);
    expect(bytes.toString('utf8')).toContain('Ærø Fisk & Co');
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-activity.png') });

    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2020-01-31');
    await page.getByRole('button', { name: 'Show activity' }).click();
    await waitForStatus(page, '#activity-status', 'No activity in these dates.');
    await page.getByLabel('To', { exact: true }).fill('2020-12-31');
    await page.getByRole('button', { name: 'Show activity' }).click();
    await waitForStatus(page, '#activity-status', /at most 90 days/);
  });
});

describe('on a phone', () => {
  it('fits 375 pixels without sideways scrolling, details and exports included', async () => {
    const { page } = await openPortal({ width: 375, height: 812 });
    await expandRow(page, 'Société Générale de Café');
    await page.getByRole('button', { name: 'Export customers' }).click();
    await page.locator('#notifications .notification').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await page.getByRole('searchbox', { name: 'Search customers' }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-phone.png'), fullPage: true });
  });
});
