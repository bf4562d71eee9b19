/**
 * Export jobs and schedules as stored, the export request a client sends, and the resource the
 * contract shows. A job belongs to the tenant that asked for it (a partner or a reseller) and lives
 * in its partner's partition.
 */
import { z } from 'zod';
import type { Cursor } from '../kernel/page.js';
import { isoDateTimeSchema } from '../kernel/time.js';

export type ExportStatus = 'NotStarted' | 'Running' | 'Succeeded' | 'Failed' | 'Canceled';

const optionalId = z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters');

/** The body of POST /api/exports (and, with `cron`, of a schedule). Unknown fields are refused. */
export const exportRequestSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('customers'),
      search: z.string().max(256, 'must be at most 256 characters').optional(),
      resellerId: optionalId.optional(),
    }),
    z.strictObject({ type: z.literal('subscriptions'), customerId: optionalId }),
    z.strictObject({
      type: z.literal('activity'),
      from: isoDateTimeSchema.optional(),
      to: isoDateTimeSchema.optional(),
      customerId: optionalId.optional(),
    }),
  ],
  { error: 'must be "customers", "subscriptions" or "activity"' },
);
export type ExportRequest = z.infer<typeof exportRequestSchema>;
export type ExportType = ExportRequest['type'];

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
  filter: Record<string, string>;
  status: ExportStatus;
  rowCount: number;
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

/** `customers-20261124-101500.csv`: the type and the UTC time the export was asked for. */
export function exportFileName(type: ExportType, created: Date): string {
  const stamp = created.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${type}-${stamp}.csv`;
}

/** The filter as the resource shows it: only what was asked for. */
export function exportFilter(request: ExportRequest): Record<string, string> {
  const { type: _type, ...filter } = request;
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined && value !== '')) as Record<string, string>;
}

export function toExportResource(job: ExportJob, download?: { url: string; expiresDateTime: string }) {
  return {
    id: job.id,
    type: job.type,
    filter: job.filter,
    status: job.status,
    rowCount: job.status === 'Succeeded' ? job.rowCount : job.checkpoint.rowCount,
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
