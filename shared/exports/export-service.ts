/**
 * Export use cases: start an export (202, idempotent with Repeatability-Request-ID), read and list
 * the caller's exports with fresh download links, cancel one, run a slice of an export from the
 * queue (CSV, or an Excel workbook), and fail it for good when the queue gives up.
 */
import { randomUUID } from 'node:crypto';
import type { ActivityRecord } from '../activity/activity.js';
import { activityRange } from '../activity/activity-service.js';
import type { ActivityRepository } from '../activity/ports.js';
import { findCustomerInScope } from '../customers/customer-service.js';
import type { CustomerRepository } from '../customers/ports.js';
import { ensureErrorType, notFound, ServiceError } from '../kernel/errors.js';
import type { FaultInjector } from '../kernel/faults.js';
import { deterministicId, guidId } from '../kernel/ids.js';
import type { Cursor, Page } from '../kernel/page.js';
import type { Clock } from '../kernel/time.js';
import type { SubscriptionRepository } from '../subscriptions/ports.js';
import type { TenantRepository } from '../tenants/ports.js';
import { inScope, type Scope } from '../tenants/scope.js';
import { type ExportJob, type ExportRequest, exportCustomerId, exportKind, TERMINAL_STATUSES, toExportResource } from './export-job.js';
import { countExportRows, exportSource } from './export-sources.js';
import { descriptiveFileName, localDateTimeFormatter } from './export-text.js';
import { writeExport } from './export-writer.js';
import { DEFER_SECONDS, type FairUse } from './fair-use.js';
import type { ExportFileStore, ExportQueue, ExportRepository } from './ports.js';
import { writeXlsxExport } from './xlsx-writer.js';

/** An activity export may cover up to the activity retention (a year), not only the 90 days a page query may. */
const MAX_ACTIVITY_EXPORT_DAYS = 366;
const DAY_SECONDS = 86_400;

const OPERATION_OF = { customers: 'ExportCustomers', subscriptions: 'ExportSubscriptions', activity: 'ExportActivity' } as const;

/** The settings an export runs by (config.ts, EXPORT_* and DOWNLOAD_URL_MINUTES, and host.json). */
export interface ExportSettings {
  /** Days an export file is kept. */
  fileRetentionDays: number;
  /** Seconds one queue invocation works before handing off to a new message. */
  sliceSeconds: number;
  /** Target size of a staged block, in bytes. */
  blockBytes: number;
  /** Rows read from the store per page. */
  pageSize: number;
  /** Data rows on one sheet of a workbook before it continues on the next. */
  xlsxSheetRows: number;
  /** Lifetime of a download link, at most 60. */
  downloadUrlMinutes: number;
  /** Attempts of a queue message before the host poisons it (host.json). */
  maxDequeueCount: number;
}

/** Where a queue attempt logs (the Functions InvocationContext is one). */
export interface Logger {
  /** The invocation's id: logged with the raw error, and the reference a client is given. */
  invocationId: string;
  log(message: string): void;
  error(message: string): void;
}

/** Why an export failed, as its client sees it: a stable code and plain words. */
export interface ExportFailure {
  code: 'StorageAccessDenied' | 'StorageNotFound' | 'StorageUnavailable' | 'ExportFailed';
  message: string;
}

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'REQUEST_SEND_ERROR']);

/**
 * What the client of a failed export is told: never the raw error (its request ids, times and
 * URLs go to the log, with the invocation id given here as the reference). Storage and Cosmos DB
 * errors carry the HTTP `statusCode` of the answer, network errors a Node `code`.
 */
export function describeExportFailure(err: unknown, attempts: number, reference: string): ExportFailure {
  const { statusCode, code } = (typeof err === 'object' && err !== null ? err : {}) as { statusCode?: unknown; code?: unknown };
  const after = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  const tail = ` Reference: ${reference}.`;
  if (statusCode === 401 || statusCode === 403) {
    return {
      code: 'StorageAccessDenied',
      message: `The service was refused access to its storage ${after}; an administrator needs to check its role assignments.${tail}`,
    };
  }
  if (statusCode === 404) {
    return {
      code: 'StorageNotFound',
      message: `The storage the export writes to was not found ${after}; an administrator needs to check the deployment.${tail}`,
    };
  }
  const transient = statusCode === 408 || statusCode === 429 || (typeof statusCode === 'number' && statusCode >= 500);
  if (transient || (typeof code === 'string' && NETWORK_ERROR_CODES.has(code))) {
    return { code: 'StorageUnavailable', message: `The storage did not answer ${after}. Start the export again later.${tail}` };
  }
  return { code: 'ExportFailed', message: `The export failed ${after}. Start it again; if it fails again, give an administrator the reference.${tail}` };
}

export interface ExportServicePorts {
  exportJobs: ExportRepository;
  exportFiles: ExportFileStore;
  exportQueue: ExportQueue;
  customers: CustomerRepository;
  subscriptions: SubscriptionRepository;
  activity: ActivityRepository;
  /** Reseller names, for file names and the reseller columns. */
  tenants: TenantRepository;
  clock: Clock;
  faults: FaultInjector;
  /** The per-tenant limits: places for queued and running exports. */
  fairUse: FairUse;
}

const FILE_TITLES = { customers: 'Customers', subscriptions: 'Subscriptions', activity: 'Activity' } as const;

function presentation(request: ExportRequest): Pick<ExportRequest, 'format' | 'timeZone'> {
  return { ...(request.format ? { format: request.format } : {}), ...(request.timeZone ? { timeZone: request.timeZone } : {}) };
}

export interface StartExportOptions {
  /** Repeatability-Request-ID: a retried request returns the export the first one started. */
  repeatabilityId?: string;
  /** The export id to use (a schedule's run); creating it twice starts it once. */
  exportId?: string;
  scheduleName?: string;
}

export class ExportService {
  constructor(
    private readonly ports: ExportServicePorts,
    private readonly settings: ExportSettings,
  ) {}

  /** The caller's exports, newest first: up to `top` after `after`. */
  list(scope: Scope, top: number, after: Cursor | undefined): Promise<Page<ExportJob>> {
    return this.ports.exportJobs.listExports(scope.partnerId, scope.tenantId, top, after);
  }

  /**
   * One queue attempt at a slice: on failure it logs the raw error with the invocation id; the last
   * attempt the host allows marks the export Failed first (in plain words, the invocation id as
   * reference), so it never stays Running; the error is rethrown so the host retries or poisons.
   */
  async runAttempt(partnerId: string, exportId: string, dequeueCount: number, logger: Logger): Promise<void> {
    try {
      await this.runSlice(partnerId, exportId, (line) => logger.log(line));
    } catch (err) {
      const error = ensureErrorType(err);
      logger.error(`Export ${exportId} failed on attempt ${dequeueCount} (invocation ${logger.invocationId}): ${error.stack ?? error.message}`);
      if (dequeueCount >= this.settings.maxDequeueCount) {
        await this.fail(partnerId, exportId, describeExportFailure(err, dequeueCount, logger.invocationId));
      }
      throw error;
    }
  }

  /** Checks the request against the caller's scope and fixes what must not move (the activity range). */
  async resolveRequest(scope: Scope, request: ExportRequest): Promise<ExportRequest> {
    switch (request.type) {
      case 'customers':
        return {
          type: 'customers',
          ...(request.search?.trim() ? { search: request.search } : {}),
          ...(request.resellerId ? { resellerId: guidId(request.resellerId, 'resellerId', 'resellerId') } : {}),
          ...(request.includeReseller ? { includeReseller: true } : {}),
          ...presentation(request),
        };
      case 'subscriptions': {
        const customer = await findCustomerInScope(this.ports.customers, scope, request.customerId, 'customerId');
        return { type: 'subscriptions', customerId: customer.id, ...presentation(request) };
      }
      case 'activity': {
        const range = activityRange(this.ports.clock(), request.from, request.to, MAX_ACTIVITY_EXPORT_DAYS);
        return {
          type: 'activity',
          ...range,
          ...(request.customerId ? { customerId: guidId(request.customerId, 'customerId', 'customerId') } : {}),
          ...presentation(request),
        };
      }
    }
  }

  /**
   * The file name of a resolved request: its type, the filter in words (search text, the reseller's
   * or the customer's name, an activity range in local days) and the local date and time it was asked.
   */
  private async fileNameOf(scope: Scope, request: ExportRequest, created: Date): Promise<string> {
    const timeZone = request.timeZone ?? 'UTC';
    const about: string[] = [];
    const customerName = async (customerId: string | undefined) => {
      if (!customerId) return undefined;
      const customer = await this.ports.customers.getCustomer(scope.partnerId, customerId);
      return customer && inScope(scope, customer.resellerId) ? customer.companyName : undefined;
    };
    switch (request.type) {
      case 'customers': {
        // Another reseller's list is empty to a reseller, and its name is not the caller's to see.
        const resellerId = request.resellerId ?? scope.resellerId ?? undefined;
        const reseller =
          resellerId && inScope(scope, resellerId)
            ? (await this.ports.tenants.listResellers(scope.partnerId)).find((candidate) => candidate.id === resellerId)
            : undefined;
        if (request.search) about.push(request.search.trim());
        if (reseller) about.push(reseller.name);
        if (about.length === 0) about.push('all');
        break;
      }
      case 'subscriptions':
        about.push((await customerName(request.customerId)) ?? request.customerId);
        break;
      case 'activity': {
        const toLocal = localDateTimeFormatter(timeZone);
        const name = await customerName(request.customerId);
        if (name) about.push(name);
        if (request.from && request.to) about.push(`${toLocal(new Date(request.from)).date} to ${toLocal(new Date(request.to)).date}`);
        break;
      }
    }
    return descriptiveFileName({ title: FILE_TITLES[request.type], about, created, timeZone, extension: request.format ?? 'csv' });
  }

  /** Creates the export record and queues its work; returns the job and whether this call created it. */
  async start(scope: Scope, request: ExportRequest, options: StartExportOptions = {}): Promise<{ job: ExportJob; created: boolean }> {
    const resolved = await this.resolveRequest(scope, request);
    const now = this.ports.clock();
    const id = options.exportId ?? (options.repeatabilityId ? deterministicId('repeatability', scope.tenantId, options.repeatabilityId) : randomUUID());
    const fileName = await this.fileNameOf(scope, resolved, now);
    const format = resolved.format ?? 'csv';
    const job: ExportJob = {
      kind: 'export',
      id,
      partnerId: scope.partnerId,
      scopeTenantId: scope.tenantId,
      scopeResellerId: scope.resellerId,
      requestedBy: scope.userName,
      format,
      ...exportKind(resolved),
      status: 'NotStarted',
      rowCount: 0,
      createdDateTime: now.toISOString(),
      lastUpdatedDateTime: now.toISOString(),
      fileName,
      // The name a person reads is in the download header; the blob's own name stays plain ASCII.
      blobName: `${scope.partnerId}/${scope.tenantId}/${id}/${resolved.type}.${format}`,
      ...(options.scheduleName ? { scheduleName: options.scheduleName } : {}),
      checkpoint: { blockCount: 0, rowCount: 0 },
      // The record outlives its file by a month, so a client can still see what happened to it.
      ttl: (this.settings.fileRetentionDays + 30) * DAY_SECONDS,
    };
    // A retried request or a schedule's second timer finds its export: no new place is taken.
    const known = options.exportId || options.repeatabilityId ? await this.ports.exportJobs.getExport(scope.partnerId, id) : undefined;
    if (!known) await this.ports.fairUse.admitExport(scope, id);
    const result = known ? { job: known, created: false } : await this.ports.exportJobs.createExport(job);
    if (
      !result.created &&
      options.repeatabilityId &&
      (result.job.type !== job.type || (result.job.format ?? 'csv') !== format || JSON.stringify(result.job.filter) !== JSON.stringify(job.filter))
    ) {
      throw new ServiceError(
        'Conflict',
        'RepeatabilityConflict',
        'This Repeatability-Request-ID was already used for a different export.',
        'Repeatability-Request-ID',
      );
    }
    if (result.created) await this.ports.exportQueue.enqueue({ exportId: id, partnerId: scope.partnerId });
    return result;
  }

  /** One of the caller's exports, or NotFound (another tenant's export does not exist for it). */
  async getInScope(scope: Scope, exportId: string): Promise<ExportJob> {
    const job = await this.ports.exportJobs.getExport(scope.partnerId, guidId(exportId, 'id', 'An export id'));
    if (!job || job.scopeTenantId !== scope.tenantId) throw notFound('The export', 'id');
    return job;
  }

  /** The export as the API shows it, with a download link minted now when the file is ready. */
  async toResource(job: ExportJob) {
    const now = this.ports.clock();
    if (job.status !== 'Succeeded' || (job.fileExpiresDateTime && job.fileExpiresDateTime <= now.toISOString())) {
      return toExportResource(job);
    }
    const linkExpiry = new Date(now.getTime() + this.settings.downloadUrlMinutes * 60_000);
    const expiresOn = job.fileExpiresDateTime && job.fileExpiresDateTime < linkExpiry.toISOString() ? new Date(job.fileExpiresDateTime) : linkExpiry;
    const url = await this.ports.exportFiles.readUrl(job.blobName, expiresOn);
    return toExportResource(job, { url, expiresDateTime: expiresOn.toISOString() });
  }

  /**
   * Cancels a queued or running export: it ends Canceled at once, and its worker stops at its next
   * checkpoint (which fails on the changed record) and keeps no file. Conflict when the export has already ended.
   */
  async cancel(scope: Scope, exportId: string): Promise<ExportJob> {
    for (;;) {
      const job = await this.getInScope(scope, exportId);
      if (TERMINAL_STATUSES.has(job.status)) {
        throw new ServiceError(
          'Conflict',
          'ExportEnded',
          `The export has already ended (${job.status}); only a queued or running export can be canceled.`,
          'id',
        );
      }
      const now = this.ports.clock().toISOString();
      const canceled = await this.ports.exportJobs.replaceExport({ ...job, status: 'Canceled', completedDateTime: now, lastUpdatedDateTime: now });
      // Lost a race with the worker's checkpoint: read again and decide again.
      if (canceled !== 'PreconditionFailed') return canceled;
    }
  }

  /** True when the export was canceled (or has gone) since the worker last looked. */
  private async isCanceled(partnerId: string, exportId: string): Promise<boolean> {
    const current = await this.ports.exportJobs.getExport(partnerId, exportId);
    return !current || current.status === 'Canceled';
  }

  /** The worker lost the record: to a cancel (then nothing of the file is kept) or to another worker. */
  private async stopped(job: ExportJob, log: (message: string) => void): Promise<void> {
    if (await this.isCanceled(job.partnerId, job.id)) {
      await this.ports.exportFiles.deleteFile(job.blobName);
      log(`Export ${job.id} was canceled; it stopped and kept no file.`);
      return;
    }
    log(`Export ${job.id} was taken over by another worker.`);
  }

  /**
   * Runs one slice of an export: resumes at its checkpoint, writes until done or until the slice's
   * time is up, then hands off to a new queue message. Safe to run twice: a second worker on the same
   * export loses the checkpoint race and stops.
   */
  async runSlice(partnerId: string, exportId: string, log: (message: string) => void): Promise<void> {
    const job = await this.ports.exportJobs.getExport(partnerId, exportId);
    if (!job) {
      log(`Export ${exportId} no longer exists; nothing to do.`);
      return;
    }
    if (TERMINAL_STATUSES.has(job.status)) return;
    if (!(await this.ports.fairUse.startRunning(job))) {
      // The tenant's other exports hold all its running places: look again in a moment, and let the
      // worker take the next message, which may be another tenant's.
      await this.ports.exportQueue.enqueue({ exportId, partnerId }, { delaySeconds: DEFER_SECONDS });
      log(`Export ${exportId} waits: its tenant already has ${this.ports.fairUse.settings.runningExportsPerTenant} export(s) running.`);
      return;
    }
    try {
      await this.runStartedSlice(job, log);
    } finally {
      await this.ports.fairUse.stopRunning(job);
    }
  }

  /** The slice itself, once it holds one of its tenant's running places. */
  private async runStartedSlice(started: ExportJob, log: (message: string) => void): Promise<void> {
    const { id: exportId, partnerId } = started;
    let job = started;
    // Counted once, as the work starts, and saved with the Running mark (one write).
    const expectedRowCount = job.expectedRowCount ?? (await countExportRows(this.ports, job));
    const running = await this.ports.exportJobs.replaceExport({
      ...job,
      status: 'Running',
      expectedRowCount,
      lastUpdatedDateTime: this.ports.clock().toISOString(),
    });
    if (running === 'PreconditionFailed') {
      log(`Export ${exportId} is being worked on elsewhere.`);
      return;
    }
    job = running;
    const sliceStarted = Date.now();
    const hooks = {
      faults: this.ports.faults,
      log: (message: string) => log(`Export ${exportId}: ${message}`),
      // Read at every checkpoint, not once: a host that is stopping sets the slice to zero, and the
      // export then hands off at its next checkpoint instead of being cut off mid-block.
      shouldHandOff: () => Date.now() >= sliceStarted + this.settings.sliceSeconds * 1000,
      // Conditional on the record's ETag: a cancel rewrites the record, so this write fails and the
      // export stops (Lost). That is how a running export notices a cancel, with no reads of its own.
      saveCheckpoint: async (checkpoint: ExportJob['checkpoint']) => {
        const saved = await this.ports.exportJobs.replaceExport({ ...(job as ExportJob), checkpoint, lastUpdatedDateTime: this.ports.clock().toISOString() });
        if (saved === 'PreconditionFailed') return false;
        job = saved;
        return true;
      },
    };
    const options = { blockBytes: this.settings.blockBytes, pageSize: this.settings.pageSize, sheetRows: this.settings.xlsxSheetRows };
    const result =
      job.format === 'xlsx'
        ? await writeXlsxExport(job, exportSource(this.ports, job, 'xlsx'), this.ports.exportFiles, hooks, options)
        : await writeExport(job, exportSource(this.ports, job, 'csv'), this.ports.exportFiles, hooks, options);
    if (result.outcome === 'Lost') return this.stopped(job, log);
    if (result.outcome === 'HandedOff') {
      await this.ports.exportQueue.enqueue({ exportId, partnerId });
      log(`Export ${exportId} handed off after ${result.checkpoint.rowCount} rows.`);
      return;
    }
    const completed = this.ports.clock();
    const fileExpires = new Date(completed.getTime() + this.settings.fileRetentionDays * DAY_SECONDS * 1000);
    const done: ExportJob = {
      ...job,
      status: 'Succeeded',
      rowCount: result.rowCount,
      checkpoint: { ...job.checkpoint, rowCount: result.rowCount },
      completedDateTime: completed.toISOString(),
      lastUpdatedDateTime: completed.toISOString(),
      fileExpiresDateTime: fileExpires.toISOString(),
    };
    if ((await this.ports.exportJobs.replaceExport(done)) === 'PreconditionFailed') {
      // Canceled while the file was committed: the file goes too.
      if (await this.isCanceled(partnerId, exportId)) {
        await this.ports.exportFiles.deleteFile(done.blobName);
        log(`Export ${exportId} was canceled as it finished; its file is deleted.`);
        return;
      }
      log(`Export ${exportId} was completed by another worker.`);
      return;
    }
    await this.recordExportActivity(done);
  }

  /** Marks an export Failed for good (the queue gave up on it); does nothing to a finished one. */
  async fail(partnerId: string, exportId: string, failure: ExportFailure): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const job = await this.ports.exportJobs.getExport(partnerId, exportId);
      if (!job || TERMINAL_STATUSES.has(job.status)) return;
      const now = this.ports.clock().toISOString();
      const failed: ExportJob = {
        ...job,
        status: 'Failed',
        completedDateTime: now,
        lastUpdatedDateTime: now,
        error: { code: failure.code, message: failure.message },
      };
      if ((await this.ports.exportJobs.replaceExport(failed)) !== 'PreconditionFailed') {
        await this.recordExportActivity(failed);
        return;
      }
    }
  }

  /** One activity record per export, written when it ends (idempotent: its id is the export's). */
  private async recordExportActivity(job: ExportJob): Promise<void> {
    const customerId = exportCustomerId(job) ?? null;
    const found = customerId ? await this.ports.customers.getCustomer(job.partnerId, customerId) : undefined;
    // The record is the caller's to read: another reseller's customer goes unnamed, as one that does not exist.
    const customer = found && inScope({ resellerId: job.scopeResellerId }, found.resellerId) ? found : undefined;
    const record: ActivityRecord = {
      id: `export-${job.id}`,
      partnerId: job.partnerId,
      resellerId: job.scopeResellerId,
      dateTime: job.completedDateTime ?? this.ports.clock().toISOString(),
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
    await this.ports.activity.upsertActivity(record);
  }

  /**
   * Re-queues exports whose work stopped without an end: NotStarted ones whose message was lost
   * between creating the record and queueing it, and Running ones not checkpointed for
   * `olderThanSeconds` (their worker died with the message). A second message for a live export
   * is harmless: the two workers race on the checkpoint's etag and one stops.
   */
  async requeueStale(olderThanSeconds = 600): Promise<number> {
    const before = new Date(this.ports.clock().getTime() - olderThanSeconds * 1000).toISOString();
    const stale = await this.ports.exportJobs.listStaleExports(before, 100);
    for (const job of stale) await this.ports.exportQueue.enqueue({ exportId: job.id, partnerId: job.partnerId });
    return stale.length;
  }
}
