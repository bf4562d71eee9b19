/**
 * Export jobs and schedules as stored, the export request a client sends, and the resource the
 * contract shows. A job belongs to the tenant that asked for it (a partner or a reseller) and lives
 * in its partner's partition.
 */
import { z } from 'zod';
import type { Cursor } from '../kernel/page.js';
import { isoDateTimeSchema } from '../kernel/time.js';
import { canonicalTimeZone } from './export-text.js';

export type ExportStatus = 'NotStarted' | 'Running' | 'Succeeded' | 'Failed' | 'Canceled';
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const optionalId = z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters');

/** An IANA time zone, kept in its canonical spelling. */
export const timeZoneSchema = z
  .string()
  .max(64, 'must be at most 64 characters')
  .refine(
    (value) => {
      try {
        canonicalTimeZone(value);
        return true;
      } catch {
        return false;
      }
    },
    { error: 'must be an IANA time zone such as "Europe/Berlin" or "UTC"' },
  )
  .transform((value) => canonicalTimeZone(value));

/**
 * What every export body may carry: the file format, and the time zone the file name's date and
 * time (and an activity file's dates) are written in, UTC by default.
 */
const common = { format: z.enum(EXPORT_FORMATS, { error: 'must be "csv" or "xlsx"' }).optional(), timeZone: timeZoneSchema.optional() };

/** The body of POST /api/exports (and, with `cron`, of a schedule). Unknown fields are refused. */
export const exportRequestSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('customers'),
      search: z.string().max(256, 'must be at most 256 characters').optional(),
      resellerId: optionalId.optional(),
      includeReseller: z.boolean({ error: 'must be true or false' }).optional(),
      ...common,
    }),
    z.strictObject({ type: z.literal('subscriptions'), customerId: optionalId, ...common }),
    z.strictObject({
      type: z.literal('activity'),
      from: isoDateTimeSchema.optional(),
      to: isoDateTimeSchema.optional(),
      customerId: optionalId.optional(),
      ...common,
    }),
  ],
  { error: 'must be "customers", "subscriptions" or "activity"' },
);
export type ExportRequest = z.infer<typeof exportRequestSchema>;
export type ExportType = ExportRequest['type'];

/** What an export covers and how it is written, as the resource's `filter` shows it. */
export interface ExportFilter {
  search?: string;
  resellerId?: string;
  customerId?: string;
  from?: string;
  to?: string;
  includeReseller?: boolean;
  timeZone?: string;
}

/** Where a resumable export stands: what is staged, and where the source continues. */
export interface ExportCheckpoint {
  /** Blocks staged and recorded, numbered from 0. */
  blockCount: number;
  /** Rows written into those blocks (header excluded). */
  rowCount: number;
  /** Keyset position after the last row in the recorded blocks; absent before the first row. */
  cursor?: Cursor;
}

export interface ExportJob {
  kind: 'export';
  id: string;
  partnerId: string;
  /** The tenant that owns the export: it alone lists and reads it. */
  scopeTenantId: string;
  /** Set when the owner is an indirect reseller: the export covers only its rows. */
  scopeResellerId: string | null;
  requestedBy: string;
  type: ExportType;
  /** Absent on records written before xlsx existed: csv. */
  format?: ExportFormat;
  filter: ExportFilter;
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
  /** 6-field NCRONTAB, read in `request.timeZone` (UTC when absent). */
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

/** The filter as the resource shows it: only what was asked for. */
export function exportFilter(request: ExportRequest): ExportFilter {
  const { type: _type, format: _format, ...filter } = request;
  return Object.fromEntries(
    Object.entries(filter).filter(([key, value]) => value !== undefined && value !== '' && !(key === 'includeReseller' && value === false)),
  ) as ExportFilter;
}

export function toExportResource(job: ExportJob, download?: { url: string; expiresDateTime: string }) {
  return {
    id: job.id,
    type: job.type,
    format: job.format ?? 'csv',
    filter: job.filter,
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
