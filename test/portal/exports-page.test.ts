/**
 * Exports in the portal, in Chromium: the notification when an export the user started ends (on a
 * desktop and on a 390 px phone, wherever the page is scrolled), one export per click of what the
 * search box says, the Exports page with progress, Cancel and Retry, and the schedule form.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../../shared/wiring.js';
import { browserSession } from '../support/browser.js';
import { customerId, fixtureRecords, PROVIDER, RESELLER_A } from '../support/fixtures.js';
import { allPages, call, principal, startTestService, type TestService } from '../support/service.js';

const ARTIFACTS = path.resolve('test/artifacts');
const ADMIN = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');
const READER = principal(PROVIDER, ['Customers.Read'], 'rita@provider.example');
const MANY = 150;

let service: TestService;
const browser = browserSession();

/** Enough customers that the list scrolls well past the first screen. */
function manyCustomers(): Array<Record<string, unknown>> {
  return Array.from({ length: MANY }, (_unused, index) => {
    const id = customerId(3000 + index);
    return {
      type: 'customer',
      id,
      partnerId: PROVIDER,
      resellerId: index % 3 === 0 ? RESELLER_A : null,
      companyName: `Scroll ${['Nordic', 'Ärzte', '東京', 'Ωmega'][index % 4]} ${String(index).padStart(3, '0')}`,
      domain: `scroll${index}.example.com`,
      relationship: 'Direct reseller',
      companyProfile: { companyName: `Scroll ${index}`, tenantId: id, domain: `scroll${index}.example.com` },
    };
  });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [service] = await Promise.all([startTestService({ env: { LOCAL_DEV_PRINCIPAL: ADMIN } }), browser.launch()]);
  expect((await service.importLines([...fixtureRecords(), ...manyCustomers()])).problems).toEqual([]);
});

afterAll(async () => {
  await service?.close();
});

async function openPortal(options: { as?: string; width?: number; height?: number; path?: string; timeZone?: string } = {}) {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    timezoneId: options.timeZone ?? 'Europe/Berlin',
    acceptDownloads: true,
    ...(options.as ? { extraHTTPHeaders: { 'x-ms-client-principal': options.as } } : {}),
  });
  const page = browser.watch(await context.newPage());
  /** Every POST /api/exports the page sent, with its body and Repeatability-Request-ID. */
  const posts: Array<{ body: any; requestId: string | undefined }> = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/exports') {
      posts.push({ body: request.postDataJSON(), requestId: request.headers()['repeatability-request-id'] });
    }
  });
  await page.goto(`${service.url}${options.path ?? '/'}`);
  await page.waitForSelector('body[data-ready]');
  return { page, posts };
}

async function inViewport(page: Page, selector: string) {
  const box = await page.locator(selector).boundingBox();
  const viewport = page.viewportSize();
  expect(box).not.toBeNull();
  if (!box || !viewport) return;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
}

describe('the notification when an export ends', () => {
  it.each([
    ['desktop', 1280, 900],
    ['phone', 390, 844],
  ])('on a %s it shows in view wherever the page is scrolled, with Download, and a small export downloads by itself', async (name, width, height) => {
    const { page } = await openPortal({ width, height });
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('scroll');
    await page
      .locator('#customers-status', { hasText: 'Scroll' })
      .or(page.locator('#customers-status', { hasText: 'more load as you scroll' }))
      .waitFor();
    const downloaded = page.waitForEvent('download', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Export customers' }).click();
    // Scroll far down the list, as someone reading it while the export runs would.
    await page.mouse.wheel(0, 4000);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const notification = page.locator('#notifications .notification').first();
    await notification.getByRole('link', { name: /^Download/ }).waitFor({ timeout: 30_000 });
    expect(await notification.innerText()).toMatch(/^Your export is ready and downloading: Customers - scroll - \d{4}-\d{2}-\d{2} \d{4}\.csv/);
    await inViewport(page, '#notifications .notification');
    const download = await downloaded;
    expect(download.suggestedFilename()).toMatch(/^Customers - scroll - .*\.csv$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: path.join(ARTIFACTS, `portal-export-notification-${name}.png`) });
    await notification.getByRole('button', { name: 'Dismiss' }).click();
    expect(await page.locator('#notifications .notification').count()).toBe(0);
  });
});

describe('one export per click, of what the box says', () => {
  it('exports the text typed a moment ago, in the user’s time zone, once for a double click', async () => {
    const { page, posts } = await openPortal();
    const before = (await allPages(service.url, '/api/exports', ADMIN)).rows.length;
    await page.getByLabel('Filter by indirect reseller').selectOption({ label: 'Reseller A' });
    // Typed and clicked at once: the list has not caught up with the box yet.
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('nordic');
    await page.getByRole('button', { name: 'Export customers' }).dblclick();
    await page.locator('#customers-export-status', { hasText: 'Export started' }).waitFor();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({ type: 'customers', search: 'nordic', resellerId: RESELLER_A, timeZone: 'Europe/Berlin' });
    expect(posts[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await allPages(service.url, '/api/exports', ADMIN)).rows.length).toBe(before + 1);
    // A second, separate click is a second export, with its own request id.
    await page.locator('#notifications .notification').first().waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Export customers' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#notifications .notification').length === 2, undefined, { timeout: 30_000 });
    expect(posts).toHaveLength(2);
    expect(posts[1]?.requestId).not.toBe(posts[0]?.requestId);
  });

  it('an Excel workbook with reseller columns, when chosen beside the button; the choice holds in every view', async () => {
    const { page, posts } = await openPortal();
    await page.locator('#export-format-customers').selectOption({ label: 'Excel workbook' });
    await page.locator('#include-reseller').check();
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('ωmega');
    await page.getByRole('button', { name: 'Export customers' }).click();
    const notification = page.locator('#notifications .notification').first();
    await notification.getByRole('link', { name: /^Download/ }).waitFor({ timeout: 30_000 });
    expect(posts.at(-1)?.body).toEqual({ type: 'customers', search: 'ωmega', includeReseller: true, format: 'xlsx', timeZone: 'Europe/Berlin' });
    expect(await notification.innerText()).toMatch(/Customers - ωmega - .*\.xlsx/);
    await page.goto(`${service.url}/#/activity`);
    await page.waitForSelector('body[data-ready]');
    expect(await page.locator('#export-format-activity').inputValue()).toBe('xlsx');
  });

  it('Export is disabled, with the reason, while nothing matches', async () => {
    const { page } = await openPortal();
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('zzz-nothing-like-this');
    await page.locator('#customers-status', { hasText: 'No matches for' }).waitFor();
    const button = page.getByRole('button', { name: 'Export customers' });
    expect(await button.isDisabled()).toBe(true);
    expect(await page.locator('#export-customers-reason').innerText()).toBe('Nothing to export: no customers match.');
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('scroll');
    expect(await button.isDisabled()).toBe(false);

    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2020-01-31');
    await page.getByRole('button', { name: 'Show activity' }).click();
    await page.locator('#activity-status', { hasText: 'No activity in these dates.' }).waitFor();
    expect(await page.getByRole('button', { name: 'Export activity' }).isDisabled()).toBe(true);
    expect(await page.locator('#export-activity-reason').innerText()).toContain('Nothing to export: no activity in these dates.');
  });
});

/** The same service with no queue behind it: an export it starts waits until a test runs it. */
const unqueued = () => createService(service.service.config, { ports: () => ({ exportQueue: { enqueue: async () => undefined } }) });

describe('the Exports page', () => {
  it('shows who asked, the filter in words, progress of the expected rows, and Cancel, then Retry', async () => {
    const scope = { partnerId: PROVIDER, resellerId: null, tenantId: PROVIDER, userName: 'ada@provider.example' };
    // An export that is running, 40 of 160 rows written (not queued, so no worker finishes it first).
    const { job } = await unqueued().services.exports.start(scope, { type: 'customers', search: 'scroll', resellerId: RESELLER_A });
    const current = await service.service.ports.exportJobs.getExport(PROVIDER, job.id);
    if (!current) throw new Error('no export');
    await service.service.ports.exportJobs.replaceExport({
      ...current,
      status: 'Running',
      expectedRowCount: 160,
      checkpoint: { blockCount: 1, rowCount: 40, cursor: ['~', '~'] },
      createdDateTime: new Date(Date.now() - 20_000).toISOString(),
    });
    const { page, posts } = await openPortal({ path: '/#/exports' });
    await page.getByRole('heading', { name: 'Exports', level: 1 }).waitFor();
    const item = page.locator(`#exports-list li[data-export-id="${job.id}"]`);
    await item.waitFor();
    const text = await item.innerText();
    expect(text).toContain(job.fileName);
    expect(text).toContain('Running');
    expect(text).toContain('Customers matching “scroll”, of Reseller A');
    expect(text).toContain('Asked by ada@provider.example');
    expect(text).toContain('40 of 160 rows (25%)');
    expect(text).toMatch(/about \d+ (sec|min) left/);
    expect(await item.locator('progress').getAttribute('value')).toBe('40');
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-exports-page.png') });

    await item.getByRole('button', { name: 'Cancel' }).click();
    await item.locator('.badge', { hasText: 'Canceled' }).waitFor();
    expect((await call(service.url, `/api/exports/${job.id}`, { principal: ADMIN })).body.status).toBe('Canceled');

    await Promise.all([
      page.waitForResponse((response) => new URL(response.url()).pathname === '/api/exports' && response.request().method() === 'POST'),
      item.getByRole('button', { name: 'Retry' }).click(),
    ]);
    expect(posts.at(-1)?.body).toEqual({ type: 'customers', search: 'scroll', resellerId: RESELLER_A, timeZone: 'Europe/Berlin' });
    // The new export is the user's: its end is announced with Download.
    await page
      .locator('#notifications .notification')
      .getByRole('link', { name: /^Download/ })
      .waitFor({ timeout: 30_000 });
    const retried = (await allPages(service.url, '/api/exports', ADMIN)).rows[0];
    expect(retried).toMatchObject({ status: 'Succeeded', filter: { search: 'scroll', resellerId: RESELLER_A }, requestedBy: 'ada@provider.example' });
    const ready = page.locator(`#exports-list li[data-export-id="${retried.id}"]`);
    await ready.getByRole('link', { name: /^Download/ }).waitFor();
    expect(await ready.innerText()).toContain('File kept until');
  });

  it('labels a scheduled export with its schedule', async () => {
    const scope = { partnerId: PROVIDER, resellerId: null, tenantId: PROVIDER, userName: 'ada@provider.example' };
    const { job } = await unqueued().services.exports.start(scope, { type: 'customers' }, { scheduleName: 'monday-report' });
    await service.services.exports.runSlice(PROVIDER, job.id, () => undefined);
    const { page } = await openPortal({ path: '/#/exports' });
    const item = page.locator(`#exports-list li[data-export-id="${job.id}"]`);
    await item.waitFor();
    expect(await item.innerText()).toContain('Scheduled: monday-report');
    expect(await item.innerText()).not.toContain('Asked by');
  });
});

describe('schedules in the portal', () => {
  it('creates, edits and deletes a schedule in plain words in the user’s time zone', async () => {
    const { page } = await openPortal({ path: '/#/exports', timeZone: 'America/New_York' });
    const form = page.locator('#schedule-form');
    await form.waitFor();
    expect(await page.locator('#schedule-zone').innerText()).toBe('Times are in your time zone, America/New_York.');
    await page.getByLabel('Name').fill('monday-customers');
    await page.getByLabel('Runs').selectOption({ label: 'Every week' });
    await page.getByLabel('On', { exact: true }).selectOption({ label: 'Monday' });
    await page.getByLabel('At', { exact: true }).fill('08:00');
    await page.locator('#schedule-format').selectOption({ label: 'Excel workbook' });
    await page.getByRole('button', { name: 'Save schedule' }).click();
    const item = page.locator('#schedules-list li[data-schedule-name="monday-customers"]');
    await item.waitFor();
    expect(await item.innerText()).toContain('All customers, every Monday at 08:00 (America/New_York) · XLSX');
    const saved = (await call(service.url, '/api/export-schedules/monday-customers', { principal: ADMIN })).body;
    expect(saved).toMatchObject({ cron: '0 0 8 * * 1', timeZone: 'America/New_York', format: 'xlsx', type: 'customers' });
    const nextRun = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(saved.nextRunDateTime));
    expect(nextRun).toBe('Monday 08:00');
    expect(await item.innerText()).toContain('Next run:');
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-schedules.png') });

    await item.getByRole('button', { name: /^Edit/ }).click();
    expect(await page.getByLabel('Name').inputValue()).toBe('monday-customers');
    await page.getByLabel('Runs').selectOption({ label: 'Every weekday (Monday to Friday)' });
    await page.getByLabel('At', { exact: true }).fill('07:30');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.locator('#schedules-list li[data-schedule-name="monday-customers"]', { hasText: 'every weekday (Monday to Friday) at 07:30' }).waitFor();
    expect((await call(service.url, '/api/export-schedules/monday-customers', { principal: ADMIN })).body.cron).toBe('0 30 7 * * 1-5');

    await page
      .locator('#schedules-list li[data-schedule-name="monday-customers"]')
      .getByRole('button', { name: /^Delete/ })
      .click();
    await page.locator('#schedules-status', { hasText: 'Schedule “monday-customers” deleted.' }).waitFor();
    expect(await page.locator('#schedules-list li[data-schedule-name="monday-customers"]').count()).toBe(0);
    expect((await call(service.url, '/api/export-schedules/monday-customers', { principal: ADMIN })).status).toBe(404);
  });

  it('a read-only user sees the schedules but no form, and is told why', async () => {
    await call(service.url, '/api/export-schedules/nightly', { method: 'PUT', principal: ADMIN, body: { type: 'customers', cron: '0 0 2 * * *' } });
    const { page } = await openPortal({ path: '/#/exports', as: READER });
    await page.locator('#schedules-list li[data-schedule-name="nightly"]').waitFor();
    expect(await page.locator('#schedules-list li[data-schedule-name="nightly"]').innerText()).toContain('every day at 02:00 (UTC)');
    expect(await page.locator('#schedule-form').isVisible()).toBe(false);
    expect(await page.locator('#schedules-read-only').innerText()).toContain('Customers.ReadWrite');
    expect(await page.getByRole('button', { name: /^Edit/ }).count()).toBe(0);
  });
});
