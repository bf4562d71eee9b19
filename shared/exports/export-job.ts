/**
 * Export jobs and schedules as stored, the export request a client sends, and the resource the
 * contract shows. A job belongs to the tenant that asked for it (a partner or a reseller) and lives
 * in its partner's partition.
 */
import type { Cursor } from '../kernel/page.js';
import type { ExportFilterOf, ExportFormat, ExportKind, ExportRequest, ExportResource, ExportStatus } from './contract.js';

export type { ExportFormat, ExportKind, ExportRequest, ExportStatus, ExportType } from './contract.js';

/** Where a resumable export stands: what is staged, and where the source continues. */
export interface ExportCheckpoint {
  /** Blocks staged and recorded, numbered from 0. */
  blockCount: number;
  /** Rows written into those blocks (header excluded). */
  rowCount: number;
  /** Keyset position after the last row in the recorded blocks; absent before the first row. */
  cursor?: Cursor;
}

/** An export as stored; its `type` and `filter` go together (ExportKind). */
export type ExportJob = ExportJobFields & ExportKind;

interface ExportJobFields {
  kind: 'export';
  id: string;
  partnerId: string;
  /** The tenant that owns the export: it alone lists and reads it. */
  scopeTenantId: string;
  /** Set when the owner is an indirect reseller: the export covers only its rows. */
  scopeResellerId: string | null;
  requestedBy: string;
  /** Absent on records written before workbooks existed: csv. */
  format?: ExportFormat;
  status: ExportStatus;
  rowCount: number;
  /** The rows the export will hold, counted when its work starts. */
  expectedRowCount?: number;
  createdDateTime: string;
  lastUpdatedDateTime: string;
  completedDateTime?: string;
  fileName: string;
  blobName: string;
  /** When the file is deleted by the storage lifecycle rule. */
  fileExpiresDateTime?: string;
  error?: { code: string; message: string };
  scheduleName?: string;
  checkpoint: ExportCheckpoint;
  /** Seconds before Cosmos DB removes the record (per-item TTL). */
  ttl?: number;
  etag?: string;
}

export interface ExportSchedule {
  kind: 'schedule';
  id: string;
  partnerId: string;
  scopeTenantId: string;
  scopeResellerId: string | null;
  name: string;
  cron: string;
  request: ExportRequest;
  createdBy: string;
  createdDateTime: string;
  lastUpdatedDateTime: string;
  nextRunDateTime: string;
  lastRunDateTime?: string;
  lastExportId?: string;
  etag?: string;
}

export const TERMINAL_STATUSES: ReadonlySet<ExportStatus> = new Set(['Succeeded', 'Failed', 'Canceled']);

/** Only the fields that were given (not undefined, not empty). */
function given<T extends Record<string, string | undefined>>(fields: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== '')) as { [K in keyof T]?: string };
}

/** The type and filter of a resolved request, as the resource shows them: only what was asked for. */
export function exportKind(request: ExportRequest): ExportKind {
  switch (request.type) {
    case 'customers':
      return {
        type: 'customers',
        filter: {
          ...given({ search: request.search, resellerId: request.resellerId }),
          ...(request.includeReseller ? { includeReseller: true } : {}),
          ...given({ timeZone: request.timeZone }),
        },
      };
    case 'subscriptions':
      return { type: 'subscriptions', filter: { customerId: request.customerId, ...given({ timeZone: request.timeZone }) } };
    case 'activity': {
      const filter: ExportFilterOf<'activity'> = {
        from: request.from ?? '',
        to: request.to ?? '',
        ...given({ customerId: request.customerId, timeZone: request.timeZone }),
      };
      return { type: 'activity', filter };
    }
  }
}

/** A job's type and filter, apart from the rest of it (each case keeps the two together). */
function kindOf(job: ExportJob): ExportKind {
  switch (job.type) {
    case 'customers':
      return { type: job.type, filter: job.filter };
    case 'subscriptions':
      return { type: job.type, filter: job.filter };
    case 'activity':
      return { type: job.type, filter: job.filter };
  }
}

/** The customer an export is about, when its filter names one. */
export function exportCustomerId(kind: ExportKind): string | undefined {
  return kind.type === 'customers' ? undefined : kind.filter.customerId;
}

export function toExportResource(job: ExportJob, download?: { url: string; expiresDateTime: string }): ExportResource {
  return {
    id: job.id,
    ...kindOf(job),
    format: job.format ?? 'csv',
    status: job.status,
    rowCount: job.status === 'Succeeded' ? job.rowCount : job.checkpoint.rowCount,
    ...(job.expectedRowCount !== undefined ? { expectedRowCount: job.expectedRowCount } : {}),
    requestedBy: job.scheduleName ?? job.requestedBy,
    createdDateTime: job.createdDateTime,
    lastUpdatedDateTime: job.lastUpdatedDateTime,
    ...(job.completedDateTime ? { completedDateTime: job.completedDateTime } : {}),
    fileName: job.fileName,
    ...(download ? { downloadUrl: download.url, downloadUrlExpiresDateTime: download.expiresDateTime } : {}),
    ...(job.fileExpiresDateTime ? { fileExpiresDateTime: job.fileExpiresDateTime } : {}),
    ...(job.scheduleName ? { scheduleName: job.scheduleName } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}
