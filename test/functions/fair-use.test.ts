/**
 * Fair use per tenant: a flood of exports from one tenant is capped (429 with Retry-After) and does
 * not hold up another tenant's export; schedules are capped in number and frequency; the scheduler
 * takes due schedules oldest first and pages through all of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecords, OTHER_PARTNER, PROVIDER } from '../support/fixtures.js';
import { allPages, call, principal, startTestService, type TestService, waitForExport } from '../support/service.js';

const provider = principal(PROVIDER, ['Customers.ReadWrite'], 'ada@provider.example');
const other = principal(OTHER_PARTNER, ['Customers.ReadWrite'], 'otto@other.example');

const startExport = (service: TestService, who: string) => call(service.url, '/api/exports', { method: 'POST', principal: who, body: { type: 'customers' } });

describe('exports per tenant (no workers: nothing finishes)', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ queues: false });
    expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
  });
  afterAll(async () => service?.close());

  it('a flood of 60 concurrent POSTs gets exactly 10 exports; the rest answer 429 with Retry-After and create nothing', async () => {
    const results = await Promise.all(Array.from({ length: 60 }, () => startExport(service, provider)));
    const accepted = results.filter((result) => result.status === 202);
    const refused = results.filter((result) => result.status === 429);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(50);
    for (const result of refused) {
      expect(result.body.error.code).toBe('TooManyExports');
      expect(result.body.error.message).toMatch(/10 exports queued or running/);
      expect(result.headers.get('x-ms-error-code')).toBe('TooManyExports');
      expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const listed = await allPages(service.url, '/api/exports', provider);
    expect(listed.rows.map((row) => row.id).sort()).toEqual(accepted.map((result) => result.body.id).sort());
  });

  it("one tenant's limit is its own: another tenant still starts exports", async () => {
    expect((await startExport(service, provider)).status).toBe(429);
    expect((await startExport(service, other)).status).toBe(202);
  });

  it('a place frees when an export ends, and a retried request (Repeatability-Request-ID) takes no new place', async () => {
    const listed = await allPages(service.url, '/api/exports', provider);
    const [first] = listed.rows;
    const job = await service.service.ports.exportJobs.getExport(PROVIDER, first.id);
    if (!job) throw new Error('export missing');
    expect(await service.service.ports.exportJobs.replaceExport({ ...job, status: 'Failed', completedDateTime: new Date().toISOString() })).not.toBe(
      'PreconditionFailed',
    );
    const again = await call(service.url, '/api/exports', {
      method: 'POST',
      principal: provider,
      body: { type: 'customers' },
      headers: { 'repeatability-request-id': 'fair-use-retry' },
    });
    expect(again.status).toBe(202);
    const retried = await call(service.url, '/api/exports', {
      method: 'POST',
      principal: provider,
      body: { type: 'customers' },
      headers: { 'repeatability-request-id': 'fair-use-retry' },
    });
    expect(retried.status).toBe(202);
    expect(retried.body.id).toBe(again.body.id);
    expect((await startExport(service, provider)).status).toBe(429);
  });
});

describe('exports are picked up fairly across tenants', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { EXPORT_RUNNING_PER_TENANT: '1' } });
    expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
  });
  afterAll(async () => service?.close());

  it("another tenant's export, queued behind a flood, finishes before most of the flood", async () => {
    const flood = await Promise.all(Array.from({ length: 30 }, () => startExport(service, provider)));
    // Ten at once at most; one may have finished (freeing its place) while the flood went on.
    const floodIds = flood.filter((result) => result.status === 202).map((result) => result.body.id as string);
    expect(floodIds.length).toBeGreaterThanOrEqual(10);
    expect(flood.filter((result) => result.status === 429).length).toBeGreaterThan(0);
    const late = await startExport(service, other);
    expect(late.status).toBe(202);

    const lateDone = await waitForExport(service.url, late.body.id, other, 120_000);
    expect(lateDone.status).toBe('Succeeded');
    const floodDone = await Promise.all(floodIds.map((id) => waitForExport(service.url, id, provider, 120_000)));
    expect(floodDone.every((job) => job.status === 'Succeeded')).toBe(true);
    // In the queue it came after all ten; first in, first out it would have finished after them.
    const finishedBefore = floodDone.filter((job) => job.completedDateTime < lateDone.completedDateTime);
    expect(finishedBefore.length).toBeLessThanOrEqual(floodIds.length / 2);
  });
});

describe('schedules per tenant and the scheduler', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ queues: false, env: { EXPORT_SCHEDULES_PER_TENANT: '5', EXPORT_ACTIVE_PER_TENANT: '3' } });
    expect((await service.importLines(fixtureRecords())).problems).toEqual([]);
  });
  afterAll(async () => service?.close());

  const put = (name: string, cron: string, who = provider) =>
    call(service.url, `/api/export-schedules/${name}`, { method: 'PUT', principal: who, body: { type: 'customers', cron } });

  it('a schedule may run at most once an hour (400 CronTooFrequent, nothing created)', async () => {
    for (const cron of ['* * * * * *', '0 */5 * * * *', '0 0,30 * * * *', '0 0,59 9 * * *']) {
      const result = await put('too-often', cron);
      expect(result.status, cron).toBe(400);
      expect(result.body.error).toMatchObject({ code: 'CronTooFrequent', target: 'cron' });
    }
    expect((await call(service.url, '/api/export-schedules/too-often', { principal: provider })).status).toBe(404);
    expect((await put('hourly', '0 0 * * * *')).status).toBe(201);
    expect((await put('two-a-day', '0 0 9,10 * * *')).status).toBe(201);
  });

  it('a tenant has at most its limit of schedules, even when created concurrently; replacing one is fine', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, index) => put(`many-${index}`, '0 0 3 * * *')));
    // Two exist already: three more fit.
    expect(results.filter((result) => result.status === 201)).toHaveLength(3);
    const refused = results.filter((result) => result.status === 400);
    expect(refused).toHaveLength(5);
    for (const result of refused) expect(result.body.error.code).toBe('TooManySchedules');
    const listed = await call(service.url, '/api/export-schedules', { principal: provider });
    expect(listed.body.value).toHaveLength(5);
    expect((await put('hourly', '0 0 */2 * * *')).status).toBe(200);
    expect((await call(service.url, '/api/export-schedules/hourly', { method: 'DELETE', principal: provider })).status).toBe(204);
    expect((await put('after-delete', '0 0 4 * * *')).status).toBe(201);
    expect((await put('one-too-many', '0 0 4 * * *')).status).toBe(400);
    expect((await put('other-tenant', '0 0 4 * * *', other)).status).toBe(201);
  });

  it('the scheduler runs due schedules oldest first, pages through all of them, and leaves a run refused by fair use due', async () => {
    // Make every schedule due, each a minute older than the next: the provider's five and the
    // other tenant's one. The provider may have 3 exports at once.
    const schedules = [
      ...(await service.service.ports.exportJobs.listSchedules(PROVIDER, PROVIDER)),
      ...(await service.service.ports.exportJobs.listSchedules(OTHER_PARTNER, OTHER_PARTNER)),
    ];
    expect(schedules).toHaveLength(6);
    const base = Date.now() - 3_600_000;
    const dueOf = new Map<string, string>();
    for (const [index, schedule] of schedules.entries()) {
      const nextRunDateTime = new Date(base + index * 60_000).toISOString();
      dueOf.set(schedule.name, nextRunDateTime);
      expect(await service.service.ports.exportJobs.replaceSchedule({ ...schedule, nextRunDateTime })).not.toBe('PreconditionFailed');
    }
    const logs: string[] = [];
    const started = await service.services.schedules.runDue((line) => logs.push(line), 2);
    expect(started).toBe(4);

    const providerRuns = (await allPages(service.url, '/api/exports', provider)).rows.filter((row) => row.scheduleName);
    const oldestThree = schedules
      .filter((schedule) => schedule.partnerId === PROVIDER)
      .map((schedule) => schedule.name)
      .slice(0, 3);
    expect(providerRuns.map((row) => row.scheduleName).sort()).toEqual([...oldestThree].sort());
    const otherRuns = (await allPages(service.url, '/api/exports', other)).rows.filter((row) => row.scheduleName);
    expect(otherRuns).toHaveLength(1);

    const after = await service.service.ports.exportJobs.listSchedules(PROVIDER, PROVIDER);
    for (const schedule of after) {
      const ran = oldestThree.includes(schedule.name);
      expect(schedule.nextRunDateTime > new Date().toISOString(), schedule.name).toBe(ran);
      if (!ran) expect(schedule.nextRunDateTime).toBe(dueOf.get(schedule.name));
    }
    expect(logs.filter((line) => line.includes('could not start'))).toHaveLength(2);
  });
});
