/**
 * Scheduled exports: PUT/GET/DELETE /api/export-schedules/{name} and the timer that starts due runs
 * as ordinary exports, at most once per due time even when two timers fire together.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecords, OTHER_PARTNER, otherPartnerCustomers, PROVIDER, providerCustomers, RESELLER_A } from '../support/fixtures.js';
import { allPages, call, principal, startTestService, type TestService } from '../support/service.js';

let service: TestService;
const admin = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');
const reader = principal(PROVIDER, ['Customers.Read'], 'rita@provider.example');
const resellerAdmin = principal(RESELLER_A, ['Customers.ReadWrite'], 'rex@reseller-a.example');
/** The service's clock: real time unless a test moved it. */
let movedTo: Date | undefined;

beforeAll(async () => {
  service = await startTestService({ clock: () => movedTo ?? new Date() });
  expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
});
afterEach(() => {
  movedTo = undefined;
});
afterAll(async () => service?.close());

const put = (name: string, body: unknown, who = admin) =>
  call(service.url, `/api/export-schedules/${encodeURIComponent(name)}`, { method: 'PUT', principal: who, body });

/** Moves the service's clock to just after the schedule's next due time. */
function advanceTo(dateTime: string, extraMilliseconds = 1_000) {
  movedTo = new Date(new Date(dateTime).getTime() + extraMilliseconds);
}

const scheduledRuns = async (name: string, who = admin) => (await allPages(service.url, '/api/exports', who)).rows.filter((row) => row.scheduleName === name);

describe('managing export schedules', () => {
  it('PUT creates a schedule (201 with Location), PUT again replaces it (200), GET lists and reads it', async () => {
    const created = await put('nightly', { type: 'customers', search: 'contoso', cron: '0 30 2 * * *' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/export-schedules/nightly');
    expect(created.body).toMatchObject({ name: 'nightly', type: 'customers', search: 'contoso', cron: '0 30 2 * * *', createdBy: 'ada@provider.example' });
    const next = new Date(created.body.nextRunDateTime);
    expect(next.getUTCHours()).toBe(2);
    expect(next.getUTCMinutes()).toBe(30);
    expect(next.getTime()).toBeGreaterThan(Date.now());

    const replaced = await put('nightly', { type: 'customers', cron: '0 0 3 * * 1-5' });
    expect(replaced.status).toBe(200);
    expect(replaced.body.search).toBeUndefined();
    expect(replaced.body.createdDateTime).toBe(created.body.createdDateTime);

    const listed = await call(service.url, '/api/export-schedules', { principal: reader });
    expect(listed.status).toBe(200);
    expect(listed.body.value.map((schedule: { name: string }) => schedule.name)).toContain('nightly');
    const one = await call(service.url, '/api/export-schedules/nightly', { principal: reader });
    expect(one.body).toMatchObject({ name: 'nightly', cron: '0 0 3 * * 1-5' });
  });

  it('a schedule with an IANA timeZone runs at that local time, across daylight saving; a bad zone is 400', async () => {
    const created = await put('monday-berlin', { type: 'customers', cron: '0 0 8 * * 1', timeZone: 'Europe/Berlin' });
    expect(created.status).toBe(201);
    expect(created.body.timeZone).toBe('Europe/Berlin');
    const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    expect(berlin.format(new Date(created.body.nextRunDateTime))).toBe('Monday 08:00');
    // From a Sunday in summer (UTC+2) and one in winter (UTC+1), the next run is 06:00 and 07:00 UTC.
    for (const [sunday, expected] of [
      ['2026-07-05T12:00:00Z', '2026-07-06T06:00:00.000Z'],
      ['2026-12-06T12:00:00Z', '2026-12-07T07:00:00.000Z'],
    ] as const) {
      movedTo = new Date(sunday);
      expect((await put('monday-berlin', { type: 'customers', cron: '0 0 8 * * 1', timeZone: 'Europe/Berlin' })).body.nextRunDateTime).toBe(expected);
    }
    const bad = await put('bad-zone', { type: 'customers', cron: '0 0 8 * * 1', timeZone: 'Europe/Atlantis' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.target).toBe('timeZone');
    expect((await call(service.url, '/api/export-schedules/bad-zone', { principal: admin })).status).toBe(404);
  });

  it('DELETE removes it (204), and then it is 404', async () => {
    expect((await put('to-delete', { type: 'customers', cron: '0 0 * * * *' })).status).toBe(201);
    expect((await call(service.url, '/api/export-schedules/to-delete', { method: 'DELETE', principal: admin })).status).toBe(204);
    expect((await call(service.url, '/api/export-schedules/to-delete', { principal: admin })).status).toBe(404);
    expect((await call(service.url, '/api/export-schedules/to-delete', { method: 'DELETE', principal: admin })).status).toBe(404);
  });

  it('every schedule change is in the activity log', async () => {
    await put('audited', { type: 'customers', cron: '0 0 6 * * *' });
    await call(service.url, '/api/export-schedules/audited', { method: 'DELETE', principal: admin });
    const { rows } = await allPages(service.url, '/api/activity?operation=UpdateExportSchedule', admin);
    const actions = rows.filter((row) => row.details.scheduleName === 'audited').map((row) => row.details.action);
    expect(actions.sort()).toEqual(['Created', 'Deleted']);
    expect(rows.every((row) => row.user === 'ada@provider.example')).toBe(true);
  });

  it.each([
    [{ type: 'customers', cron: '0 0 * * *' }, 'cron'],
    [{ type: 'customers', cron: 'every day' }, 'cron'],
    [{ type: 'customers', cron: '0 0 25 * * *' }, 'cron'],
    [{ type: 'customers', cron: '99 0 0 * * *' }, 'cron'],
    [{ type: 'customers' }, 'cron'],
    [{ type: 'customers', cron: 5 }, 'cron'],
    [{ type: 'reports', cron: '0 0 0 * * *' }, 'type'],
    [{ type: 'subscriptions', cron: '0 0 0 * * *' }, 'customerId'],
    [{ type: 'customers', cron: '0 0 0 * * *', extra: 1 }, undefined],
  ])('%o answers 400 and creates nothing', async (body, target) => {
    const result = await put('invalid-one', body);
    expect(result.status).toBe(400);
    expect(result.headers.get('x-ms-error-code')).toBe(result.body.error.code);
    if (target) expect(result.body.error.target).toBe(target);
    expect((await call(service.url, '/api/export-schedules/invalid-one', { principal: admin })).status).toBe(404);
  });

  it('a bad name is 400; a JSON array body is 400; a text body is 415', async () => {
    expect((await put('bad name!', { type: 'customers', cron: '0 0 0 * * *' })).status).toBe(400);
    expect((await put('x'.repeat(64), { type: 'customers', cron: '0 0 0 * * *' })).status).toBe(400);
    expect((await put('ok', [{ type: 'customers' }])).status).toBe(400);
    const text = await call(service.url, '/api/export-schedules/ok', {
      method: 'PUT',
      principal: admin,
      body: 'cron=1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
  });

  it('Customers.Read may list but not change schedules (403)', async () => {
    expect((await put('readers-cannot', { type: 'customers', cron: '0 0 0 * * *' }, reader)).status).toBe(403);
    expect((await call(service.url, '/api/export-schedules/nightly', { method: 'DELETE', principal: reader })).status).toBe(403);
    expect((await call(service.url, '/api/export-schedules/nightly', { principal: admin })).status).toBe(200);
  });

  it('schedules are private to their tenant: another partner or a reseller sees 404', async () => {
    expect((await call(service.url, '/api/export-schedules/nightly', { principal: principal(OTHER_PARTNER) })).status).toBe(404);
    expect((await call(service.url, '/api/export-schedules/nightly', { principal: resellerAdmin })).status).toBe(404);
    expect(
      (await call(service.url, '/api/export-schedules/nightly', { method: 'DELETE', principal: principal(OTHER_PARTNER, ['Customers.ReadWrite']) })).status,
    ).toBe(404);
    const otherList = await call(service.url, '/api/export-schedules', { principal: principal(OTHER_PARTNER) });
    expect(otherList.body.value).toEqual([]);
  });

  it('a subscriptions schedule for a customer outside the scope is 404', async () => {
    expect((await put('foreign', { type: 'subscriptions', customerId: otherPartnerCustomers[0].id, cron: '0 0 0 * * *' })).status).toBe(404);
    const notMine = providerCustomers.find((customer) => customer.resellerId !== RESELLER_A);
    expect((await put('foreign', { type: 'subscriptions', customerId: notMine?.id, cron: '0 0 0 * * *' }, resellerAdmin)).status).toBe(404);
  });
});

describe('the scheduler timer', () => {
  it('starts a due run once, even when two timers fire together, and lists it as an ordinary export', async () => {
    const created = await put('every-hour', { type: 'customers', search: 'contoso', cron: '0 0 * * * *' });
    expect(created.status).toBe(201);
    expect(await scheduledRuns('every-hour')).toHaveLength(0);

    await service.runner.runTimer('export-scheduler');
    expect(await scheduledRuns('every-hour')).toHaveLength(0);

    advanceTo(created.body.nextRunDateTime);
    await Promise.all([service.runner.runTimer('export-scheduler'), service.runner.runTimer('export-scheduler')]);
    await service.runner.runTimer('export-scheduler');
    const runs = await scheduledRuns('every-hour');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ type: 'customers', filter: { search: 'contoso' } });

    const after = await call(service.url, '/api/export-schedules/every-hour', { principal: admin });
    expect(after.body.lastRunDateTime).toBe(created.body.nextRunDateTime);
    expect(after.body.lastExportId).toBe(runs[0].id);
    expect(new Date(after.body.nextRunDateTime).getTime()).toBe(new Date(created.body.nextRunDateTime).getTime() + 3_600_000);

    movedTo = undefined;
    await service.runner.drainQueues();
    const finished = await call(service.url, `/api/exports/${runs[0].id}`, { principal: admin });
    expect(finished.body.status).toBe('Succeeded');
    expect(finished.body.rowCount).toBe(2);
  });

  it('the next due time starts the next run', async () => {
    const schedule = (await call(service.url, '/api/export-schedules/every-hour', { principal: admin })).body;
    advanceTo(schedule.nextRunDateTime);
    await service.runner.runTimer('export-scheduler');
    await service.runner.runTimer('export-scheduler');
    expect(await scheduledRuns('every-hour')).toHaveLength(2);
  });

  it("a reseller's scheduled export covers only its customers", async () => {
    const created = await put('reseller-daily', { type: 'customers', cron: '0 15 4 * * *' }, resellerAdmin);
    expect(created.status).toBe(201);
    advanceTo(created.body.nextRunDateTime);
    await service.runner.runTimer('export-scheduler');
    movedTo = undefined;
    await service.runner.drainQueues();
    const [run] = await scheduledRuns('reseller-daily', resellerAdmin);
    const finished = await call(service.url, `/api/exports/${run.id}`, { principal: resellerAdmin });
    expect(finished.body.status).toBe('Succeeded');
    expect(finished.body.rowCount).toBe(providerCustomers.filter((customer) => customer.resellerId === RESELLER_A).length);
    expect(await scheduledRuns('reseller-daily')).toHaveLength(0);
  });
});
