/** What the export use cases need from the store, Blob storage and the queue. */
import { z } from 'zod';
import type { Cursor, Page } from '../kernel/page.js';
import type { ExportJob, ExportSchedule } from './export-job.js';

export interface ExportRepository {
  /** Creates the job; when one with its id exists, returns that one instead (`created: false`). */
  createExport(job: ExportJob): Promise<{ job: ExportJob; created: boolean }>;
  getExport(partnerId: string, exportId: string): Promise<ExportJob | undefined>;
  /** Replaces only if the etag still matches. */
  replaceExport(job: ExportJob): Promise<ExportJob | 'PreconditionFailed'>;
  /** One tenant's exports, newest first (createdDateTime then id, descending). */
  listExports(partnerId: string, scopeTenantId: string, top: number, after?: Cursor): Promise<Page<ExportJob>>;
  /** Exports NotStarted since before `before`, or Running with no update since then, across partners. */
  listStaleExports(before: string, limit: number): Promise<ExportJob[]>;

  getSchedule(partnerId: string, scheduleId: string): Promise<ExportSchedule | undefined>;
  upsertSchedule(schedule: ExportSchedule): Promise<ExportSchedule>;
  /** Replaces only if the etag still matches. */
  replaceSchedule(schedule: ExportSchedule): Promise<ExportSchedule | 'PreconditionFailed'>;
  deleteSchedule(partnerId: string, scheduleId: string): Promise<boolean>;
  listSchedules(partnerId: string, scopeTenantId: string): Promise<ExportSchedule[]>;
  /**
   * Schedules whose next run is due at `now`, across partners, oldest due first (then by id), after
   * the keyset position `after` ([nextRunDateTime, id]) when given.
   */
  listDueSchedules(now: string, limit: number, after?: [string, string]): Promise<ExportSchedule[]>;

  /** A tenant's bounded set (see TenantSet), empty with no etag when none was saved yet. */
  getTenantSet(partnerId: string, setId: string): Promise<TenantSet>;
  /** Saves the set if its etag still matches (creates it when it has none); false when it moved on. */
  saveTenantSet(set: TenantSet): Promise<boolean>;
  /** Which of these ids are exports still NotStarted or Running, and which exist at all. */
  exportStatuses(partnerId: string, exportIds: string[]): Promise<Map<string, ExportJob['status']>>;
  /** Which of these ids are schedules that exist. */
  existingScheduleIds(partnerId: string, scheduleIds: string[]): Promise<Set<string>>;
}

/**
 * A small per-tenant set of ids with a time each, kept in one document so it can be changed
 * atomically (ETag): the exports a tenant has queued or running, the exports a worker is running
 * for it, the schedules it has. Bounded by the fair-use limits: a few dozen entries.
 */
export interface TenantSet {
  partnerId: string;
  /** `export-slots-<tenant>`, `export-running-<tenant>` or `schedule-slots-<tenant>`. */
  id: string;
  entries: Array<{ id: string; at: string }>;
  etag?: string;
}

export interface BlobProperties {
  contentType: string;
  contentDisposition: string;
}

export interface ExportFileStore {
  /** Stages one block of a block blob under a deterministic id (restaging replaces it). */
  stageBlock(blobName: string, blockId: string, bytes: Uint8Array): Promise<void>;
  /**
   * Commits the blocks, in order, as the blob's content, with its headers. Resolves
   * 'InvalidBlockList' (and changes nothing) when one of them is not staged.
   */
  commitBlocks(blobName: string, blockIds: string[], properties: BlobProperties): Promise<'Committed' | 'InvalidBlockList'>;
  /** Ids of the blocks staged on the blob and not committed yet (none when there is no blob). */
  stagedBlockIds(blobName: string): Promise<string[]>;
  /**
   * Removes an export's file and any blocks staged for it (a canceled export keeps nothing);
   * nothing happens when there is none.
   */
  deleteFile(blobName: string): Promise<void>;
  /** A read-only URL for that one blob, valid until `expiresOn` (at most an hour ahead). */
  readUrl(blobName: string, expiresOn: Date): Promise<string>;
}

/** A message on the exports queue (and its poison queue): untrusted until parsed with this schema. */
export const exportMessageSchema = z.object({ exportId: z.string().min(1).max(128), partnerId: z.string().min(1).max(128) });
export type ExportMessage = z.infer<typeof exportMessageSchema>;

/** A queue message as an ExportMessage; a malformed one is reported (at most 200 characters of it) and dropped, since a retry could not help. */
export function readExportMessage(message: unknown, reportMalformed: (text: string) => void): ExportMessage | undefined {
  const parsed = exportMessageSchema.safeParse(message);
  if (parsed.success) return parsed.data;
  reportMalformed(String(JSON.stringify(message)).slice(0, 200));
  return undefined;
}

export interface ExportQueue {
  /** Sends the message; with `delaySeconds` it becomes visible only after that long. */
  enqueue(message: ExportMessage, options?: { delaySeconds?: number }): Promise<void>;
}
