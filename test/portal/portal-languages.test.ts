/**
 * The portal in each of its languages, in a real browser (Chromium through playwright-core) with
 * the browser's language and time zone set as a Taiwanese or German admin's would be: the page
 * speaks that language (no English left in its chrome, in any view or state: the customer list and
 * its pages, details, exports, the Exports page, schedules, a refused request, a read-only user),
 * dates follow it in the reader's time zone,
 * the switcher's choice is remembered, search finds words inside Chinese and Japanese names, and
 * axe-core (the real package, run in the page) finds no violation in any view or state.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import de from '../../portal/messages-de.js';
import en from '../../portal/messages-en.js';
import zhTW from '../../portal/messages-zh-TW.js';
import { browserSession } from '../support/browser.js';
import { customerId, fixtureRecords, PROVIDER, providerCustomers, RESELLER_A } from '../support/fixtures.js';
import { call, principal, startTestService, type TestService } from '../support/service.js';

const ADMIN = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');
const READER = principal(PROVIDER, ['Customers.Read'], 'rita@provider.example');
const RESELLER = principal(RESELLER_A, ['Customers.ReadWrite'], 'rolf@reseller-a.example');
const ARTIFACTS = path.resolve('test/artifacts');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const CJK_CUSTOMERS = [
  { id: customerId(701), companyName: '台北雲端科技股份有限公司', domain: 'taipei-cloud.com.tw' },
  { id: customerId(702), companyName: '高雄雲端服務有限公司', domain: 'kaohsiung-cloud.com.tw' },
  { id: customerId(703), companyName: '株式会社さくらソフト', domain: 'sakura-soft.co.jp' },
  { id: customerId(704), companyName: 'Contoso 台灣', domain: 'contoso.com.tw' },
];

type Message = string | Partial<Record<string, string>>;
const CATALOGUES: Record<string, Record<string, Message>> = { en, 'zh-TW': zhTW, de };

/** Rows a page of the customer list holds in these tests, so that the list has pages to turn. */
const PAGE_SIZE = 5;
/** The one schedule the tenant may have here, so that a second is refused (TooManySchedules). */
const SCHEDULE = {
  name: 'weekly-report',
  type: 'customers',
  search: 'contoso',
  includeReseller: true,
  format: 'xlsx',
  cron: '0 0 8 * * 1',
  timeZone: 'Europe/Berlin',
};

/** Names of the days and months as Intl writes them in a language: dates, not chrome. */
function calendarWords(language: string): string[] {
  const days = Array.from({ length: 7 }, (_, day) =>
    new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(1970, 0, 4 + day)),
  );
  const months = Array.from({ length: 12 }, (_, month) =>
    new Intl.DateTimeFormat(language, { month: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, month, 15)),
  );
  return [...days, ...months];
}

/**
 * The Latin-letter words a catalogue uses, and the names of days and months Intl writes in the
 * language: the only ones the page's chrome may show in that language.
 */
function catalogueWords(language: string): Set<string> {
  const words = new Set<string>();
  for (const text of calendarWords(language)) for (const word of text.match(/[A-Za-zÀ-ÿ]+/g) ?? []) words.add(word.toLowerCase());
  for (const message of Object.values(CATALOGUES[language] ?? {})) {
    for (const text of typeof message === 'string' ? [message] : Object.values(message)) {
      for (const word of (text ?? '').replace(/\{\w+\}/g, ' ').match(/[A-Za-zÀ-ÿ]+/g) ?? []) words.add(word.toLowerCase());
    }
  }
  return words;
}

let service: TestService;
const browser = browserSession();

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [service] = await Promise.all([startTestService({ env: { LOCAL_DEV_PRINCIPAL: ADMIN, EXPORT_SCHEDULES_PER_TENANT: '1' } }), browser.launch()]);
  const records = fixtureRecords();
  for (const customer of CJK_CUSTOMERS) {
    records.push({
      type: 'customer',
      ...customer,
      partnerId: PROVIDER,
      resellerId: RESELLER_A,
      relationship: 'Indirect reseller',
      companyProfile: { companyName: customer.companyName, tenantId: customer.id, domain: customer.domain },
    });
  }
  expect((await service.importLines(records)).problems).toEqual([]);
  // Some activity to show: a rename.
  const target = providerCustomers.find((customer) => customer.companyName === 'Zeta Systems');
  const current = await call(service.url, `/api/customers/${target?.id}`, { principal: ADMIN });
  const renamed = await call(service.url, `/api/customers/${target?.id}/billing-profile`, {
    method: 'PATCH',
    principal: ADMIN,
    headers: { 'if-match': current.headers.get('etag') ?? '' },
    body: { companyName: 'Zeta Systems AG' },
  });
  expect(renamed.status).toBe(200);
  const { name, ...schedule } = SCHEDULE;
  expect((await call(service.url, `/api/export-schedules/${name}`, { method: 'PUT', principal: ADMIN, body: schedule })).status).toBe(201);
});

afterAll(async () => {
  await service?.close();
});

async function newContext(options: { locale: string; timezoneId: string; as?: string }): Promise<BrowserContext> {
  return browser.newContext({
    locale: options.locale,
    timezoneId: options.timezoneId,
    viewport: { width: 1280, height: 900 },
    ...(options.as ? { extraHTTPHeaders: { 'x-ms-client-principal': options.as } } : {}),
  });
}

async function openPage(context: BrowserContext, path = '/'): Promise<Page> {
  const page = browser.watch(await context.newPage());
  await page.goto(`${service.url}${path}`);
  await page.waitForSelector('body[data-ready]');
  return page;
}

/** Runs axe-core in the page (through the debugging protocol, so the page's CSP stays as served). */
async function expectNoAxeViolations(page: Page, state: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown }> }> }> };
      }
    ).axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((violation) => `${violation.id}: ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`);
  });
  expect(violations, state).toEqual([]);
}

/**
 * The page's words outside the data it shows: every text node and every accessible label or title,
 * with the data removed (names, domains, ids, user names, file names, the time zone id) and with
 * proper names kept as they are written in every language.
 */
async function chromeWords(page: Page, data: string[]): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const found: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      // Dates come from Intl in the page's language (checked on their own below).
      if (!parent || parent.closest('script, style, option[lang], code, time, .date-range')) continue;
      found.push(node.textContent ?? '');
    }
    for (const element of document.querySelectorAll('[aria-label], [title]'))
      found.push(element.getAttribute('aria-label') ?? '', element.getAttribute('title') ?? '');
    // The time zone's name comes from Intl in the page's language, like a date.
    const zoneName =
      new Intl.DateTimeFormat(document.documentElement.lang, { timeZoneName: 'longGeneric' })
        .formatToParts(new Date())
        .find((part) => part.type === 'timeZoneName')?.value ?? '';
    return found.map((text) => (zoneName ? text.split(zoneName).join(' ') : text));
  });
  const words: string[] = [];
  for (let text of texts) {
    for (const value of [...data].sort((a, b) => b.length - a.length)) text = text.split(value).join(' ');
    text = text
      .replace(/[\w.-]+\.(csv|xlsx)\b/g, ' ')
      .replace(/[\w.+-]+@[\w.-]+/g, ' ')
      .replace(/\b[0-9a-f]{8}-[0-9a-f-]{27}\b/g, ' ');
    words.push(...(text.match(/[A-Za-zÀ-ÿ]+/g) ?? []));
  }
  return words;
}

const dataStrings = () => [
  ...providerCustomers.flatMap((customer) => [`${customer.companyName} (tenant)`, customer.companyName, customer.domain]),
  ...CJK_CUSTOMERS.flatMap((customer) => [customer.companyName, customer.domain]),
  'Zeta Systems AG',
  SCHEDULE.name,
  SCHEDULE.search,
  'Fabrikam',
  'Provider Partner',
  'Reseller A',
  'Reseller B',
  'Microsoft 365',
  'Microsoft',
  'Azure',
  'Excel',
  'CSV',
  'UTF-8',
  'Customers.ReadWrite',
  'Ctrl',
  'English',
  'Deutsch',
  'Asia/Taipei',
  'Europe/Berlin',
  'America/New_York',
  'Microsoft 365 E3',
  'Azure plan',
  'Power BI Pro',
];

/** Every view and state a user reaches, each checked by axe and for words outside the language. */
async function visitEveryView(page: Page, language: string) {
  const allowed = catalogueWords(language);
  const data = dataStrings();
  const check = async (state: string) => {
    await expectNoAxeViolations(page, `${language}: ${state}`);
    const foreign = (await chromeWords(page, data)).filter((word) => !allowed.has(word.toLowerCase()));
    expect(foreign, `${language}: ${state}`).toEqual([]);
  };
  await check('customer list');
  await page.screenshot({ path: path.join(ARTIFACTS, `portal-${language}-customers.png`) });

  // The list's second page: the pager, its position and the rows shown.
  await page.locator('#customers-next').click();
  await page.locator('#customers-position', { hasText: message(language, 'customers.pagePosition', { page: '2' }) }).waitFor();
  await page.waitForFunction(() => !document.querySelector('#customers-table')?.hasAttribute('aria-busy'));
  await check('the second page of customers');

  await page.locator('#customer-search').fill('Fabrikam');
  // The search's answer, not the row that page two happened to show.
  await page.waitForFunction(
    () => document.querySelectorAll('#customers-table tr.customer-row').length === 1 && !document.querySelector('#customers-table')?.hasAttribute('aria-busy'),
  );
  const row = page.locator('tr.customer-row', { has: page.getByRole('link', { name: 'Fabrikam Inc.', exact: true }) });
  await row.locator('button.toggle').click();
  await page.locator('tr.details-row:not([hidden]) td[data-loaded]').waitFor();
  expect(await row.locator('button.toggle').getAttribute('aria-expanded')).toBe('true');
  await check('details open');

  await page.locator('#export-customers').click();
  await page.locator('#notifications a.download').first().waitFor({ timeout: 30_000 });
  await check('an export ready to download');

  await page.getByRole('link', { name: 'Fabrikam Inc.', exact: true }).click();
  await page.locator('#subscriptions-table tbody tr').first().waitFor();
  await page.waitForFunction(() => document.querySelector('#subscriptions-heading .heading-name') !== null);
  await check('subscriptions');

  await page.locator('[data-nav="activity"]').click();
  await page.locator('#activity-table tbody tr').first().waitFor();
  await check('activity');
  await page.screenshot({ path: path.join(ARTIFACTS, `portal-${language}-activity.png`) });

  await page.locator('[data-nav="exports"]').click();
  await page.locator('#exports-list li .badge').first().waitFor();
  await page.locator(`#schedules-list li[data-schedule-name="${SCHEDULE.name}"]`).waitFor();
  await check('the Exports page with a schedule');
  await page.screenshot({ path: path.join(ARTIFACTS, `portal-${language}-exports.png`) });

  await page.locator(`#schedules-list li[data-schedule-name="${SCHEDULE.name}"] button`).first().click();
  await check('editing a schedule');

  // A second schedule is past the tenant's limit: the refusal is explained in the page's language.
  await page.locator('#schedule-new').click();
  await page.locator('#schedule-name').fill('second-report');
  await page.locator('#schedule-form button[type="submit"]').click();
  const refused = message(language, 'schedules.saveFailed', { reason: message(language, 'error.TooManySchedules') });
  await page.locator('#schedules-status', { hasText: refused }).waitFor();
  await check('a schedule refused (TooManySchedules)');
}

/** A catalogue message with its placeholders filled in as given (no plurals). */
function message(language: string, key: string, params: Record<string, string> = {}): string {
  const text = CATALOGUES[language]?.[key];
  if (typeof text !== 'string') throw new Error(`No message ${key} in ${language}.`);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** The Exports page as a read-only user sees it in a language: schedules shown, not offered for change. */
async function visitExportsReadOnly(language: string, locale: string, timezoneId: string) {
  const page = await openPage(await newContext({ locale, timezoneId, as: READER }), '/#/exports');
  await page.locator(`#schedules-list li[data-schedule-name="${SCHEDULE.name}"]`).waitFor();
  expect(await page.locator('#schedules-read-only').innerText()).toBe(message(language, 'schedules.readOnly'));
  expect(await page.locator('#schedule-form').isVisible()).toBe(false);
  await expectNoAxeViolations(page, `${language}: read-only Exports page`);
  const foreign = (await chromeWords(page, dataStrings())).filter((word) => !catalogueWords(language).has(word.toLowerCase()));
  expect(foreign, `${language}: read-only Exports page`).toEqual([]);
}

describe('the portal in English', () => {
  it('has no axe violation in any view or state, and nothing outside its catalogue', async () => {
    const page = await openPage(await newContext({ locale: 'en-US', timezoneId: 'America/New_York' }), `/?pageSize=${PAGE_SIZE}`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await visitEveryView(page, 'en');
    await visitExportsReadOnly('en', 'en-US', 'America/New_York');
  });

  it('the axe check finds a violation when the page has one (the harness can fail)', async () => {
    const page = await openPage(await newContext({ locale: 'en-US', timezoneId: 'UTC' }));
    await page.evaluate(() => {
      const image = document.createElement('img');
      image.src = 'icon.svg';
      document.querySelector('main')?.append(image);
    });
    await expect(expectNoAxeViolations(page, 'an image without alt text')).rejects.toThrow(/an image without alt text: expected \[ Array\(1\) \]/);
  });

  it('shows a read-only user and an indirect reseller what they can do, with no axe violation', async () => {
    const reader = await openPage(await newContext({ locale: 'en-US', timezoneId: 'UTC', as: READER }));
    expect(await reader.locator('#role-note').innerText()).toContain('read-only');
    await reader.locator('tr.customer-row button.toggle').first().click();
    await reader.locator('tr.details-row:not([hidden]) td[data-loaded]').waitFor();
    expect(await reader.getByRole('button', { name: 'Rename' }).count()).toBe(0);
    await expectNoAxeViolations(reader, 'read-only details');

    const reseller = await openPage(await newContext({ locale: 'en-US', timezoneId: 'UTC', as: RESELLER }));
    expect(await reseller.locator('#reseller-field').isVisible()).toBe(false);
    expect(await reseller.locator('#reseller-note').innerText()).toBe('You see the customers that Reseller A serves as an indirect reseller.');
    await expectNoAxeViolations(reseller, 'reseller');
    // Nor in the schedule form: its customers are all of that one reseller.
    await reseller.locator('[data-nav="exports"]').click();
    await reseller.locator('#schedule-form').waitFor();
    expect(await reseller.locator('#schedule-reseller-field').isVisible()).toBe(false);
    await expectNoAxeViolations(reseller, 'reseller: Exports page');
  });
});

describe('the portal in Traditional Chinese (zh-TW), in Asia/Taipei', () => {
  it('speaks zh-TW everywhere, with dates in zh-TW in the stated time zone, and passes axe', async () => {
    const page = await openPage(await newContext({ locale: 'zh-TW', timezoneId: 'Asia/Taipei' }), `/?pageSize=${PAGE_SIZE}`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-TW');
    expect(await page.title()).toBe('客戶 · 合作夥伴入口網站');
    expect(await page.locator('#customers-status').innerText()).toMatch(/^共 \d+ 位客戶。目前顯示第 1 到第 5 位。$/);
    await visitEveryView(page, 'zh-TW');
    // The schedule in words, its day from Intl, its time zone stated.
    expect(await page.locator('#schedules-list .schedule-when').innerText()).toBe('符合「contoso」的客戶，含轉銷商欄位，每星期一 08:00（Europe/Berlin）· XLSX');
    await visitExportsReadOnly('zh-TW', 'zh-TW', 'Asia/Taipei');
    expect(await page.locator('#activity-time-zone').innerText()).toContain('Asia/Taipei');
    // The native date inputs follow the browser's own format; the page states the range as CLDR
    // writes one in zh-TW ("2026/11/20至2026/11/26").
    expect(await page.locator('#activity-status').innerText()).toMatch(/^\d{4}\/\d{1,2}\/\d{1,2}至\d{4}\/\d{1,2}\/\d{1,2}共有 \d+ 筆活動記錄。$/);
    const when = await page.locator('#activity-table tbody time').first().innerText();
    expect(when).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日/);
    const iso = (await page.locator('#activity-table tbody time').first().getAttribute('datetime')) ?? '';
    const taipeiHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Taipei', hour: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
    expect(when).toContain(`${Number(taipeiHour) % 12 || 12}:`);
  });

  it('finds words inside Chinese and Japanese names as the user types', async () => {
    const page = await openPage(await newContext({ locale: 'zh-TW', timezoneId: 'Asia/Taipei' }));
    const search = page.getByRole('searchbox', { name: '搜尋客戶' });
    await search.fill('雲端');
    await page.waitForFunction(() => document.querySelector('#customers-status')?.textContent === '有 2 位客戶符合「雲端」。');
    expect((await page.locator('#customers-table tbody tr.customer-row th').allInnerTexts()).sort()).toEqual(
      ['台北雲端科技股份有限公司', '高雄雲端服務有限公司'].sort(),
    );
    await search.fill('ソフト');
    await page.waitForFunction(() => document.querySelector('#customers-status')?.textContent === '有 1 位客戶符合「ソフト」。');
    expect(await page.locator('#customers-table tbody tr.customer-row th').allInnerTexts()).toEqual(['株式会社さくらソフト']);
    await search.fill('台灣');
    await page.waitForFunction(() => document.querySelector('#customers-status')?.textContent === '有 1 位客戶符合「台灣」。');
    await search.fill('端雲');
    await page.waitForFunction(() => document.querySelector('#customers-status')?.textContent === '沒有符合「端雲」的客戶。');
    await expectNoAxeViolations(page, 'zh-TW: a search that finds nothing');
  });
});

describe('the portal in German, in Europe/Berlin', () => {
  it('speaks German everywhere, with German dates, and passes axe', async () => {
    const page = await openPage(await newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin' }), `/?pageSize=${PAGE_SIZE}`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await page.getByRole('button', { name: 'Kunden exportieren' }).isVisible()).toBe(true);
    expect(await page.locator('#customers-status').innerText()).toMatch(/^\d+ Kunden\. Angezeigt: 1 bis 5\.$/);
    await visitEveryView(page, 'de');
    expect(await page.locator('#schedules-list .schedule-when').innerText()).toBe(
      'Kunden zu „contoso“, mit Reseller-Spalten, jeden Montag um 08:00 Uhr (Europe/Berlin) · XLSX',
    );
    await visitExportsReadOnly('de', 'de-DE', 'Europe/Berlin');
    expect(await page.locator('#activity-table tbody time').first().innerText()).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    expect(await page.locator('#activity-time-zone').innerText()).toContain('Europe/Berlin');
    expect(await page.locator('#activity-status').innerText()).toMatch(
      /^\d+ Aktivitäten? im Zeitraum \d{1,2}\.\s?–\s?\d{1,2}\. [A-Z][a-zä]+ \d{4}\.$|^\d+ Aktivitäten? im Zeitraum \d{1,2}\. [A-Z][a-zä]+\s?–/,
    );
  });
});

describe('the language switcher', () => {
  it('changes the language and remembers the choice over the browser language', async () => {
    const context = await newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const page = await openPage(context);
    expect(await page.getByLabel('Language').inputValue()).toBe('en');
    await Promise.all([page.waitForEvent('load'), page.getByLabel('Language').selectOption('de')]);
    await page.waitForSelector('body[data-ready]');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await page.getByLabel('Sprache').inputValue()).toBe('de');
    const again = await openPage(context);
    expect(await again.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await again.getByRole('heading', { level: 1 }).first().innerText()).toBe('Kunden');
    await Promise.all([again.waitForEvent('load'), again.getByLabel('Sprache').selectOption('zh-TW')]);
    await again.waitForSelector('body[data-ready]');
    expect(await again.evaluate(() => document.documentElement.lang)).toBe('zh-TW');
  });

  it('takes Traditional Chinese from zh-HK and skips Simplified Chinese for the next language', async () => {
    const hongKong = await openPage(await newContext({ locale: 'zh-HK', timezoneId: 'Asia/Hong_Kong' }));
    expect(await hongKong.evaluate(() => document.documentElement.lang)).toBe('zh-TW');
    const simplified = await openPage(await newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }));
    expect(await simplified.evaluate(() => document.documentElement.lang)).toBe('en');
  });
});
