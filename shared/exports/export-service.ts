/**
 * Export use cases: start an export (202, idempotent with Repeatability-Request-ID), read and list
 * the caller's exports with fresh download links, run a slice of an export from the queue, and
 * fail it for good when the queue gives up.
 */
import { randomUUID } from 'node:crypto';
import type { ActivityRecord } from '../activity/activity.js';
import { activityRange } from '../activity/activity-service.js';
import type { ServiceContext } from '../context.js';
import { getCustomerInScope } from '../customers/customer-service.js';
import { notFound, ServiceError } from '../kernel/errors.js';
import { canonicalId, deterministicId } from '../kernel/ids.js';
import type { Scope } from '../tenants/scope.js';
import { type ExportJob, type ExportRequest, exportFileName, exportFilter, TERMINAL_STATUSES, toExportResource } from './export-job.js';
import { exportSource } from './export-sources.js';
import { writeExport } from './export-writer.js';

/** An activity export may cover up to the activity retention (a year), not only the 90 days a page query may. */
const MAX_ACTIVITY_EXPORT_DAYS = 366;
const DAY_SECONDS = 86_400;

const OPERATION_OF = { customers: 'ExportCustomers', subscriptions: 'ExportSubscriptions', activity: 'ExportActivity' } as const;

/** Checks the request against the caller's scope and fixes what must not move (the activity range). */
export async function resolveExportRequest(ctx: ServiceContext, scope: Scope, request: ExportRequest): Promise<ExportRequest> {
  switch (request.type) {
    case 'customers':
      return {
        type: 'customers',
        ...(request.search?.trim() ? { search: request.search } : {}),
        ...(request.resellerId ? { resellerId: canonicalId(request.resellerId) } : {}),
      };
    case 'subscriptions': {
      const customer = await getCustomerInScope(ctx, scope, request.customerId).catch((err: unknown) => {
        throw err instanceof ServiceError && err.kind === 'NotFound' ? notFound('The customer', 'customerId') : err;
      });
      return { type: 'subscriptions', customerId: customer.id };
    }
    case 'activity': {
      const range = activityRange(ctx.now(), request.from, request.to, MAX_ACTIVITY_EXPORT_DAYS);
      return { type: 'activity', ...range, ...(request.customerId ? { customerId: canonicalId(request.customerId) } : {}) };
    }
  }
}

export interface StartExportOptions {
  /** Repeatability-Request-ID: a retried request returns the export the first one started. */
  repeatabilityId?: string;
  /** The export id to use (a schedule's run); creating it twice starts it once. */
  exportId?: string;
  scheduleName?: string;
}

/** Creates the export record and queues its work; returns the job and whether this call created it. */
export async function startExport(
  ctx: ServiceContext,
  scope: Scope,
  request: ExportRequest,
  options: StartExportOptions = {},
): Promise<{ job: ExportJob; created: boolean }> {
  const resolved = await resolveExportRequest(ctx, scope, request);
  const now = ctx.now();
  const id = options.exportId ?? (options.repeatabilityId ? deterministicId('repeatability', scope.tenantId, options.repeatabilityId) : randomUUID());
  const fileName = exportFileName(resolved.type, now);
  const job: ExportJob = {
    kind: 'export',
    id,
    partnerId: scope.partnerId,
    scopeTenantId: scope.tenantId,
    scopeResellerId: scope.resellerId,
    requestedBy: scope.userName,
    type: resolved.type,
    filter: exportFilter(resolved),
    status: 'NotStarted',
    rowCount: 0,
    createdDateTime: now.toISOString(),
    lastUpdatedDateTime: now.toISOString(),
    fileName,
    blobName: `${scope.partnerId}/${scope.tenantId}/${id}/${fileName}`,
    ...(options.scheduleName ? { scheduleName: options.scheduleName } : {}),
    checkpoint: { blockCount: 0, rowCount: 0 },
    // The record outlives its file by a month, so a client can still see what happened to it.
    ttl: (ctx.config.exports.fileRetentionDays + 30) * DAY_SECONDS,
  };
  const result = await ctx.exportJobs.createExport(job);
  if (!result.created && options.repeatabilityId && (result.job.type !== job.type || JSON.stringify(result.job.filter) !== JSON.stringify(job.filter))) {
    throw new ServiceError(
      'Conflict',
      'RepeatabilityConflict',
      'This Repeatability-Request-ID was already used for a different export.',
      'Repeatability-Request-ID',
    );
  }
  if (result.created) await ctx.exportQueue.enqueue({ exportId: id, partnerId: scope.partnerId });
  return result;
}

/** One of the caller's exports, or NotFound (another tenant's export does not exist for it). */
export async function getExportInScope(ctx: ServiceContext, scope: Scope, exportId: string): Promise<ExportJob> {
  const job = await ctx.exportJobs.getExport(scope.partnerId, exportId);
  if (!job || job.scopeTenantId !== scope.tenantId) throw notFound('The export', 'id');
  return job;
}

/** The export as the API shows it, with a download link minted now when the file is ready. */
export async function exportResource(ctx: ServiceContext, job: ExportJob) {
  const now = ctx.now();
  if (job.status !== 'Succeeded' || (job.fileExpiresDateTime && job.fileExpiresDateTime <= now.toISOString())) {
    return toExportResource(job);
  }
  const linkExpiry = new Date(now.getTime() + ctx.config.exports.downloadUrlMinutes * 60_000);
  const expiresOn = job.fileExpiresDateTime && job.fileExpiresDateTime < linkExpiry.toISOString() ? new Date(job.fileExpiresDateTime) : linkExpiry;
  const url = await ctx.exportFiles.readUrl(job.blobName, expiresOn);
  return toExportResource(job, { url, expiresDateTime: expiresOn.toISOString() });
}

/**
 * Runs one slice of an export: resumes at its checkpoint, writes until done or until the slice's
 * time is up, then hands off to a new queue message. Safe to run twice: a second worker on the same
 * export loses the checkpoint race and stops.
 */
export async function runExportSlice(ctx: ServiceContext, partnerId: string, exportId: string, log: (message: string) => void): Promise<void> {
  let job = await ctx.exportJobs.getExport(partnerId, exportId);
  if (!job) {
    log(`Export ${exportId} no longer exists; nothing to do.`);
    return;
  }
  if (TERMINAL_STATUSES.has(job.status)) return;
  const running = await ctx.exportJobs.replaceExport({ ...job, status: 'Running', lastUpdatedDateTime: ctx.now().toISOString() });
  if (running === 'PreconditionFailed') {
    log(`Export ${exportId} is being worked on elsewhere.`);
    return;
  }
  job = running;
  const deadline = Date.now() + ctx.config.exports.sliceSeconds * 1000;
  const result = await writeExport(
    job,
    exportSource(ctx, job),
    ctx.exportFiles,
    {
      faults: ctx.faults,
      shouldHandOff: () => Date.now() >= deadline,
      saveCheckpoint: async (checkpoint) => {
        const saved = await ctx.exportJobs.replaceExport({ ...(job as ExportJob), checkpoint, lastUpdatedDateTime: ctx.now().toISOString() });
        if (saved === 'PreconditionFailed') return false;
        job = saved;
        return true;
      },
    },
    { blockBytes: ctx.config.exports.blockBytes, pageSize: ctx.config.exports.pageSize },
  );
  if (result.outcome === 'Lost') {
    log(`Export ${exportId} was taken over by another worker.`);
    return;
  }
  if (result.outcome === 'HandedOff') {
    await ctx.exportQueue.enqueue({ exportId, partnerId });
    log(`Export ${exportId} handed off after ${result.checkpoint.rowCount} rows.`);
    return;
  }
  const completed = ctx.now();
  const fileExpires = new Date(completed.getTime() + ctx.config.exports.fileRetentionDays * DAY_SECONDS * 1000);
  const done: ExportJob = {
    ...job,
    status: 'Succeeded',
    rowCount: result.rowCount,
    checkpoint: { ...job.checkpoint, rowCount: result.rowCount },
    completedDateTime: completed.toISOString(),
    lastUpdatedDateTime: completed.toISOString(),
    fileExpiresDateTime: fileExpires.toISOString(),
  };
  if ((await ctx.exportJobs.replaceExport(done)) === 'PreconditionFailed') {
    log(`Export ${exportId} was completed by another worker.`);
    return;
  }
  await recordExportActivity(ctx, done);
}

/** Marks an export Failed for good (the queue gave up on it); does nothing to a finished one. */
export async function failExport(ctx: ServiceContext, partnerId: string, exportId: string, message: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const job = await ctx.exportJobs.getExport(partnerId, exportId);
    if (!job || TERMINAL_STATUSES.has(job.status)) return;
    const now = ctx.now().toISOString();
    const failed: ExportJob = { ...job, status: 'Failed', completedDateTime: now, lastUpdatedDateTime: now, error: { code: 'ExportFailed', message } };
    if ((await ctx.exportJobs.replaceExport(failed)) !== 'PreconditionFailed') {
      await recordExportActivity(ctx, failed);
      return;
    }
  }
}

/** One activity record per export, written when it ends (idempotent: its id is the export's). */
async function recordExportActivity(ctx: ServiceContext, job: ExportJob): Promise<void> {
  const customerId = job.filter.customerId ?? null;
  const customer = customerId ? await ctx.customers.getCustomer(job.partnerId, customerId) : undefined;
  const record: ActivityRecord = {
    id: `export-${job.id}`,
    partnerId: job.partnerId,
    resellerId: job.scopeResellerId,
    dateTime: job.completedDateTime ?? ctx.now().toISOString(),
    operation: OPERATION_OF[job.type],
    customerId,
    customerName: customer?.companyName ?? null,
    user: job.requestedBy,
    status: job.status === 'Succeeded' ? 'Succeeded' : 'Failed',
    details: {
      exportId: job.id,
      fileName: job.fileName,
      rowCount: job.rowCount,
      filter: job.filter,
      ...(job.scheduleName ? { scheduleName: job.scheduleName } : {}),
      ...(job.error ? { error: job.error.message } : {}),
    },
  };
  await ctx.activity.upsertActivity(record);
}

/** Re-queues exports whose message was lost between creating the record and queueing it. */
export async function requeueStaleExports(ctx: ServiceContext, olderThanSeconds = 600): Promise<number> {
  const before = new Date(ctx.now().getTime() - olderThanSeconds * 1000).toISOString();
  const stale = await ctx.exportJobs.listStaleExports(before, 100);
  for (const job of stale) await ctx.exportQueue.enqueue({ exportId: job.id, partnerId: job.partnerId });
  return stale.length;
}
