/**
 * Fair use per tenant. One tenant must not crowd out the others, so each tenant has
 * - at most `activeExportsPerTenant` exports queued or running (beyond it POST /api/exports is 429),
 * - at most `runningExportsPerTenant` exports being written at once: a worker that picks up a
 *   message for a tenant already at its share puts the message back for a moment and takes the
 *   next, so another tenant's export behind a flood starts at once (fair pickup across tenants),
 * - at most `schedulesPerTenant` export schedules.
 *
 * Each limit is a small set of ids in one document per tenant, changed with its ETag, so
 * concurrent requests cannot overshoot it. An entry whose export ended (or whose schedule is gone)
 * is dropped when the set is full; so is one whose owner crashed before creating it, once it is
 * older than RESERVATION_GRACE_MILLISECONDS. Running entries expire on their own.
 */
import type { ServiceContext } from '../context.js';
import { invalid, ServiceError } from '../kernel/errors.js';
import type { Scope } from '../tenants/scope.js';
import type { ExportJob } from './export-job.js';
import type { TenantSet } from './ports.js';

/** How long a reserved id may exist in a set before the thing it reserves does. */
const RESERVATION_GRACE_MILLISECONDS = 60_000;
/** Attempts to change a set that other requests keep changing; then the caller is told to retry. */
const SET_ATTEMPTS = 50;
/** Seconds a deferred export message stays invisible before a worker looks at it again. */
export const DEFER_SECONDS = 2;

/**
 * Adds `entryId` to a tenant's set unless it already holds `limit` entries that are still held
 * (`stillHeld` answers which of them are). Returns false when the set is full.
 */
async function reserve(
  ctx: ServiceContext,
  partnerId: string,
  setId: string,
  entryId: string,
  limit: number,
  stillHeld: (entries: TenantSet['entries']) => Promise<TenantSet['entries']>,
  at = ctx.now().toISOString(),
): Promise<boolean> {
  for (let attempt = 0; attempt < SET_ATTEMPTS; attempt += 1) {
    const set = await ctx.exportJobs.getTenantSet(partnerId, setId);
    let entries = set.entries.filter((entry) => entry.id !== entryId);
    if (entries.length >= limit) entries = await stillHeld(entries);
    if (entries.length >= limit) return false;
    if (await ctx.exportJobs.saveTenantSet({ ...set, entries: [...entries, { id: entryId, at }] })) return true;
  }
  return false;
}

/** Removes `entryId` from a tenant's set (nothing to do when it is not there). */
async function release(ctx: ServiceContext, partnerId: string, setId: string, entryId: string): Promise<void> {
  for (let attempt = 0; attempt < SET_ATTEMPTS; attempt += 1) {
    const set = await ctx.exportJobs.getTenantSet(partnerId, setId);
    if (!set.entries.some((entry) => entry.id === entryId)) return;
    if (await ctx.exportJobs.saveTenantSet({ ...set, entries: set.entries.filter((entry) => entry.id !== entryId) })) return;
  }
}

const activeSetId = (tenantId: string) => `export-slots-${tenantId}`;
const runningSetId = (tenantId: string) => `export-running-${tenantId}`;
const scheduleSetId = (tenantId: string) => `schedule-slots-${tenantId}`;

const tooManyExports = (limit: number) =>
  new ServiceError(
    'TooManyRequests',
    'TooManyExports',
    `This tenant already has ${limit} exports queued or running, the most it may have at once. Try again when one has finished.`,
  );

/** Reserves a place for a new export of the tenant; TooManyRequests (429) when it has its fill. */
export async function admitExport(ctx: ServiceContext, scope: Scope, exportId: string): Promise<void> {
  const limit = ctx.config.fairUse.activeExportsPerTenant;
  const grace = new Date(ctx.now().getTime() - RESERVATION_GRACE_MILLISECONDS).toISOString();
  const admitted = await reserve(ctx, scope.partnerId, activeSetId(scope.tenantId), exportId, limit, async (entries) => {
    const statuses = await ctx.exportJobs.exportStatuses(
      scope.partnerId,
      entries.map((entry) => entry.id),
    );
    return entries.filter((entry) => {
      const status = statuses.get(entry.id);
      return status === undefined ? entry.at > grace : status === 'NotStarted' || status === 'Running';
    });
  });
  if (!admitted) throw tooManyExports(limit);
}

/**
 * Takes one of the tenant's running places for a slice of this export, for as long as a slice may
 * last. False when the tenant's other exports hold them all: the caller defers the message.
 */
export async function startRunning(ctx: ServiceContext, job: ExportJob): Promise<boolean> {
  const now = ctx.now();
  const until = new Date(now.getTime() + (ctx.config.exports.sliceSeconds + 60) * 1000).toISOString();
  return reserve(
    ctx,
    job.partnerId,
    runningSetId(job.scopeTenantId),
    job.id,
    ctx.config.fairUse.runningExportsPerTenant,
    async (entries) => entries.filter((entry) => entry.at > now.toISOString()),
    until,
  );
}

/** Gives the running place back when a slice ends, however it ends. */
export async function stopRunning(ctx: ServiceContext, job: Pick<ExportJob, 'id' | 'partnerId' | 'scopeTenantId'>): Promise<void> {
  await release(ctx, job.partnerId, runningSetId(job.scopeTenantId), job.id);
}

/** Reserves a place for a new schedule of the tenant; Invalid (400) when it has its fill. */
export async function admitSchedule(ctx: ServiceContext, scope: Scope, scheduleId: string): Promise<void> {
  const limit = ctx.config.fairUse.schedulesPerTenant;
  const grace = new Date(ctx.now().getTime() - RESERVATION_GRACE_MILLISECONDS).toISOString();
  const admitted = await reserve(ctx, scope.partnerId, scheduleSetId(scope.tenantId), scheduleId, limit, async (entries) => {
    const existing = await ctx.exportJobs.existingScheduleIds(
      scope.partnerId,
      entries.map((entry) => entry.id),
    );
    return entries.filter((entry) => existing.has(entry.id) || entry.at > grace);
  });
  if (!admitted) {
    throw invalid('TooManySchedules', `This tenant already has ${limit} export schedules, the most it may have. Delete one first.`, 'name');
  }
}

/** Frees a deleted schedule's place. */
export async function releaseSchedule(ctx: ServiceContext, scope: Scope, scheduleId: string): Promise<void> {
  await release(ctx, scope.partnerId, scheduleSetId(scope.tenantId), scheduleId);
}
