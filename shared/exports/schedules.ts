/**
 * Scheduled exports: a named export request with a 6-field NCRONTAB expression in UTC. The timer
 * starts each due run as an ordinary export whose id is derived from the schedule and the due
 * time, so two timers firing together start it once.
 */
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import type { ActivityRecord } from '../activity/activity.js';
import type { ServiceContext } from '../context.js';
import { ensureErrorType, firstIssue, invalid, notFound, ServiceError } from '../kernel/errors.js';
import { deterministicId } from '../kernel/ids.js';
import type { Scope } from '../tenants/scope.js';
import { type ExportRequest, type ExportSchedule, exportRequestSchema } from './export-job.js';
import { resolveExportRequest, startExport } from './export-service.js';

const scheduleNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'must be 1 to 63 letters, digits, "-" or "_", starting with a letter or digit');

/** A schedule's name from the path; InvalidScheduleName when it is not one. */
export function parseScheduleName(value: string | undefined): string {
  const parsed = scheduleNameSchema.safeParse(value ?? '');
  if (!parsed.success) throw invalid('InvalidScheduleName', `The schedule name ${firstIssue(parsed.error).message}.`, 'name');
  return parsed.data;
}

/** The next time a 6-field NCRONTAB expression fires after `after` (UTC); Invalid when it is not one. */
export function nextOccurrence(cron: string, after: Date): Date {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw invalid('InvalidCron', 'cron must have 6 fields: second minute hour day month day-of-week (NCRONTAB, UTC).', 'cron');
  }
  try {
    return CronExpressionParser.parse(fields.join(' '), { tz: 'UTC', strict: true, currentDate: after }).next().toDate();
  } catch (err) {
    throw invalid('InvalidCron', `cron is not a valid NCRONTAB expression: ${ensureErrorType(err).message}.`, 'cron');
  }
}

/** A schedule's body: an export request plus `cron`. */
export function parseScheduleBody(body: Record<string, unknown>): { request: ExportRequest; cron: string } {
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

export function toScheduleResource(schedule: ExportSchedule) {
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

/** Creates or replaces a schedule; `created` tells which. */
export async function putSchedule(
  ctx: ServiceContext,
  scope: Scope,
  name: string,
  body: Record<string, unknown>,
): Promise<{ schedule: ExportSchedule; created: boolean }> {
  const { request, cron } = parseScheduleBody(body);
  const now = ctx.now();
  const nextRun = nextOccurrence(cron, now);
  // Validate the export against the scope now (a customer outside it is NotFound), but keep the
  // request as given: an activity range without dates means "the 30 days before each run".
  await resolveExportRequest(ctx, scope, request);
  const id = scheduleId(scope, name);
  const existing = await ctx.exportJobs.getSchedule(scope.partnerId, id);
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
  const saved = await ctx.exportJobs.upsertSchedule(schedule);
  await recordScheduleActivity(ctx, scope, name, existing ? 'Replaced' : 'Created', { cron, ...request });
  return { schedule: saved, created: !existing };
}

export async function getSchedule(ctx: ServiceContext, scope: Scope, name: string): Promise<ExportSchedule> {
  const schedule = await ctx.exportJobs.getSchedule(scope.partnerId, scheduleId(scope, name));
  if (!schedule || schedule.scopeTenantId !== scope.tenantId) throw notFound('The export schedule', 'name');
  return schedule;
}

export async function deleteSchedule(ctx: ServiceContext, scope: Scope, name: string): Promise<void> {
  const schedule = await getSchedule(ctx, scope, name);
  if (!(await ctx.exportJobs.deleteSchedule(scope.partnerId, schedule.id))) throw notFound('The export schedule', 'name');
  await recordScheduleActivity(ctx, scope, schedule.name, 'Deleted', { cron: schedule.cron, ...schedule.request });
}

async function recordScheduleActivity(ctx: ServiceContext, scope: Scope, name: string, action: string, settings: Record<string, unknown>) {
  const record: ActivityRecord = {
    id: crypto.randomUUID(),
    partnerId: scope.partnerId,
    resellerId: scope.resellerId,
    dateTime: ctx.now().toISOString(),
    operation: 'UpdateExportSchedule',
    customerId: null,
    customerName: null,
    user: scope.userName,
    status: 'Succeeded',
    details: { scheduleName: name, action, ...settings },
  };
  await ctx.activity.createActivity(record);
}

/**
 * Starts every due run once: the export id comes from the schedule and the due time, so a second
 * timer (or a retry) finds it already created. Returns the number of exports this call started.
 */
export async function runDueSchedules(ctx: ServiceContext, log: (message: string) => void): Promise<number> {
  const now = ctx.now();
  const due = await ctx.exportJobs.listDueSchedules(now.toISOString(), 200);
  let started = 0;
  for (const schedule of due) {
    const scope: Scope = {
      partnerId: schedule.partnerId,
      resellerId: schedule.scopeResellerId,
      tenantId: schedule.scopeTenantId,
      userName: schedule.createdBy,
    };
    const exportId = deterministicId('scheduled-run', schedule.id, schedule.nextRunDateTime);
    try {
      const { created } = await startExport(ctx, scope, schedule.request, { exportId, scheduleName: schedule.name });
      if (created) started += 1;
    } catch (err) {
      // A schedule whose customer is gone no longer runs; its next due time still moves on.
      if (!(err instanceof ServiceError)) throw err;
      log(`Schedule ${schedule.name} of ${schedule.scopeTenantId} could not start: ${err.message}`);
    }
    const next = nextOccurrence(schedule.cron, now);
    const moved = await ctx.exportJobs.replaceSchedule({
      ...schedule,
      nextRunDateTime: next.toISOString(),
      lastRunDateTime: schedule.nextRunDateTime,
      lastExportId: exportId,
    });
    if (moved === 'PreconditionFailed') log(`Schedule ${schedule.name} was moved on by another timer.`);
  }
  return started;
}
