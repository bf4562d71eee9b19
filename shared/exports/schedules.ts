/**
 * Scheduled exports: a named export request with a 6-field NCRONTAB expression, read in the
 * request's IANA `timeZone` (UTC when absent; "every day at 08:00" follows daylight saving). The timer
 * starts each due run as an ordinary export whose id is derived from the schedule and the due
 * time, so two timers firing together start it once.
 */
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import type { ActivityRecord } from '../activity/activity.js';
import type { ActivityRepository } from '../activity/ports.js';
import { ensureErrorType, firstIssue, invalid, notFound, ServiceError } from '../kernel/errors.js';
import { deterministicId } from '../kernel/ids.js';
import type { Clock } from '../kernel/time.js';
import type { Scope } from '../tenants/scope.js';
import { type ExportRequest, type ExportScheduleResource, exportRequestSchema } from './contract.js';
import type { ExportSchedule } from './export-job.js';
import type { ExportService } from './export-service.js';
import type { FairUse } from './fair-use.js';
import type { ExportRepository } from './ports.js';

const scheduleNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'must be 1 to 63 letters, digits, "-" or "_", starting with a letter or digit');

/** A schedule's name from the path; InvalidScheduleName when it is not one. */
export function parseScheduleName(value: string | undefined): string {
  const parsed = scheduleNameSchema.safeParse(value ?? '');
  if (!parsed.success) throw invalid('InvalidScheduleName', `The schedule name ${firstIssue(parsed.error).message}.`, 'name');
  return parsed.data;
}

/**
 * The next time a 6-field NCRONTAB expression, read in `timeZone` (IANA, default UTC), fires after
 * `after`; Invalid when it is not one.
 */
function nextOccurrence(cron: string, after: Date, timeZone = 'UTC'): Date {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw invalid('InvalidCron', 'cron must have 6 fields: second minute hour day month day-of-week (NCRONTAB).', 'cron');
  }
  try {
    return CronExpressionParser.parse(fields.join(' '), { tz: timeZone, strict: true, currentDate: after }).next().toDate();
  } catch (err) {
    throw invalid('InvalidCron', `cron is not a valid NCRONTAB expression: ${ensureErrorType(err).message}.`, 'cron');
  }
}

/** The shortest time a schedule may leave between two runs. */
export const MIN_SCHEDULE_INTERVAL_SECONDS = 3600;
/** How far ahead the interval rule looks: long enough for any month and weekday pattern to repeat. */
const INTERVAL_CHECK_DAYS = 400;
const INTERVAL_CHECK_RUNS = 2000;

/**
 * Invalid (400) when two runs of the expression are ever less than an hour apart, looking at its
 * runs over the next INTERVAL_CHECK_DAYS days (at most INTERVAL_CHECK_RUNS of them: an hourly
 * expression repeats its pattern within a day, and one that runs more often is refused anyway).
 */
export function assertAtMostHourly(cron: string, now: Date, timeZone = 'UTC'): void {
  const end = now.getTime() + INTERVAL_CHECK_DAYS * 86_400_000;
  let previous = nextOccurrence(cron, now, timeZone);
  for (let run = 0; run < INTERVAL_CHECK_RUNS && previous.getTime() < end; run += 1) {
    const next = nextOccurrence(cron, previous, timeZone);
    if (next.getTime() - previous.getTime() < MIN_SCHEDULE_INTERVAL_SECONDS * 1000) {
      throw invalid(
        'CronTooFrequent',
        `cron runs more often than once an hour (${previous.toISOString()} and ${next.toISOString()}); a schedule may run at most hourly.`,
        'cron',
      );
    }
    previous = next;
  }
}

/** Due schedules read per page by the scheduler. */
const DUE_PAGE_SIZE = 100;

/** A schedule's body: an export request plus `cron`. */
function parseScheduleBody(body: Record<string, unknown>): { request: ExportRequest; cron: string } {
  const { cron, ...request } = body;
  if (typeof cron !== 'string') throw invalid('InvalidBody', 'Field "cron": must be a 6-field NCRONTAB expression.', 'cron');
  const parsed = exportRequestSchema.safeParse(request);
  if (!parsed.success) {
    const { target, message } = firstIssue(parsed.error);
    throw invalid('InvalidBody', `${target ? `Field "${target}": ` : ''}${message}.`, target || undefined);
  }
  return { request: parsed.data, cron: cron.trim() };
}

const scheduleId = (scope: Scope, name: string) => `schedule-${deterministicId('schedule', scope.tenantId, name.toLowerCase())}`;

export function toScheduleResource(schedule: ExportSchedule): ExportScheduleResource {
  return {
    name: schedule.name,
    ...schedule.request,
    cron: schedule.cron,
    nextRunDateTime: schedule.nextRunDateTime,
    ...(schedule.lastRunDateTime ? { lastRunDateTime: schedule.lastRunDateTime } : {}),
    ...(schedule.lastExportId ? { lastExportId: schedule.lastExportId } : {}),
    createdBy: schedule.createdBy,
    createdDateTime: schedule.createdDateTime,
    lastUpdatedDateTime: schedule.lastUpdatedDateTime,
  };
}

export interface ScheduleServicePorts {
  exportJobs: ExportRepository;
  activity: ActivityRepository;
  clock: Clock;
  /** Starts each due run as an ordinary export. */
  exports: ExportService;
  /** The per-tenant limit on schedules. */
  fairUse: FairUse;
}

export class ScheduleService {
  constructor(private readonly ports: ScheduleServicePorts) {}

  /** The caller's schedules, by name. */
  list(scope: Scope): Promise<ExportSchedule[]> {
    return this.ports.exportJobs.listSchedules(scope.partnerId, scope.tenantId);
  }

  /** Creates or replaces a schedule; `created` tells which. */
  async put(scope: Scope, name: string, body: Record<string, unknown>): Promise<{ schedule: ExportSchedule; created: boolean }> {
    const { request, cron } = parseScheduleBody(body);
    const now = this.ports.clock();
    const nextRun = nextOccurrence(cron, now, request.timeZone);
    assertAtMostHourly(cron, now, request.timeZone);
    // Validate the export against the scope now (a customer outside it is NotFound), but keep the
    // request as given: an activity range without dates means "the 30 days before each run".
    await this.ports.exports.resolveRequest(scope, request);
    const id = scheduleId(scope, name);
    const existing = await this.ports.exportJobs.getSchedule(scope.partnerId, id);
    if (!existing) await this.ports.fairUse.admitSchedule(scope, id);
    const schedule: ExportSchedule = {
      kind: 'schedule',
      id,
      partnerId: scope.partnerId,
      scopeTenantId: scope.tenantId,
      scopeResellerId: scope.resellerId,
      name,
      cron,
      request,
      createdBy: existing?.createdBy ?? scope.userName,
      createdDateTime: existing?.createdDateTime ?? now.toISOString(),
      lastUpdatedDateTime: now.toISOString(),
      nextRunDateTime: nextRun.toISOString(),
      ...(existing?.lastRunDateTime ? { lastRunDateTime: existing.lastRunDateTime } : {}),
      ...(existing?.lastExportId ? { lastExportId: existing.lastExportId } : {}),
    };
    const saved = await this.ports.exportJobs.upsertSchedule(schedule);
    await this.recordScheduleActivity(scope, name, existing ? 'Replaced' : 'Created', { cron, ...request });
    return { schedule: saved, created: !existing };
  }

  async get(scope: Scope, name: string): Promise<ExportSchedule> {
    const schedule = await this.ports.exportJobs.getSchedule(scope.partnerId, scheduleId(scope, name));
    if (!schedule || schedule.scopeTenantId !== scope.tenantId) throw notFound('The export schedule', 'name');
    return schedule;
  }

  async delete(scope: Scope, name: string): Promise<void> {
    const schedule = await this.get(scope, name);
    if (!(await this.ports.exportJobs.deleteSchedule(scope.partnerId, schedule.id))) throw notFound('The export schedule', 'name');
    await this.ports.fairUse.releaseSchedule(scope, schedule.id);
    await this.recordScheduleActivity(scope, schedule.name, 'Deleted', { cron: schedule.cron, ...schedule.request });
  }

  private async recordScheduleActivity(scope: Scope, name: string, action: string, settings: Record<string, unknown>) {
    const record: ActivityRecord = {
      id: crypto.randomUUID(),
      partnerId: scope.partnerId,
      resellerId: scope.resellerId,
      dateTime: this.ports.clock().toISOString(),
      operation: 'UpdateExportSchedule',
      customerId: null,
      customerName: null,
      user: scope.userName,
      status: 'Succeeded',
      details: { scheduleName: name, action, ...settings },
    };
    await this.ports.activity.createActivity(record);
  }

  /**
   * Starts every due run once: the export id comes from the schedule and the due time, so a second
   * timer (or a retry) finds it already created. Oldest due first, page after page until none is
   * left, so no schedule waits behind others forever. A run refused by its tenant's fair-use limit
   * stays due and is tried first at the next tick. Returns the number of exports this call started.
   */
  async runDue(log: (message: string) => void, pageSize = DUE_PAGE_SIZE): Promise<number> {
    const now = this.ports.clock();
    let started = 0;
    let after: [string, string] | undefined;
    for (;;) {
      const due = await this.ports.exportJobs.listDueSchedules(now.toISOString(), pageSize, after);
      for (const schedule of due) started += await this.runDueSchedule(schedule, now, log);
      const last = due.at(-1);
      if (due.length < pageSize || !last) return started;
      after = [last.nextRunDateTime, last.id];
    }
  }

  /** Starts one due schedule's run and moves it to its next due time; 1 when it started an export. */
  private async runDueSchedule(schedule: ExportSchedule, now: Date, log: (message: string) => void): Promise<number> {
    let started = 0;
    const scope: Scope = {
      partnerId: schedule.partnerId,
      resellerId: schedule.scopeResellerId,
      tenantId: schedule.scopeTenantId,
      userName: schedule.createdBy,
    };
    const exportId = deterministicId('scheduled-run', schedule.id, schedule.nextRunDateTime);
    try {
      const { created } = await this.ports.exports.start(scope, schedule.request, { exportId, scheduleName: schedule.name });
      if (created) started += 1;
    } catch (err) {
      // A schedule whose customer is gone no longer runs; its next due time still moves on. One
      // whose tenant has its fill of exports stays due, and is first in line at the next tick.
      if (!(err instanceof ServiceError)) throw err;
      log(`Schedule ${schedule.name} of ${schedule.scopeTenantId} could not start: ${err.message}`);
      if (err.kind === 'TooManyRequests') return 0;
    }
    const next = nextOccurrence(schedule.cron, now, schedule.request.timeZone);
    const moved = await this.ports.exportJobs.replaceSchedule({
      ...schedule,
      nextRunDateTime: next.toISOString(),
      lastRunDateTime: schedule.nextRunDateTime,
      lastExportId: exportId,
    });
    if (moved === 'PreconditionFailed') log(`Schedule ${schedule.name} was moved on by another timer.`);
    return started;
  }
}
