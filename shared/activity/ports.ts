/** What the activity use cases need from a store (implemented in shared/store). */
import type { Cursor, Page, PageStream } from '../kernel/page.js';
import type { ActivityRecord } from './activity.js';

export interface ActivityFilter {
  partnerId: string;
  resellerId?: string;
  /** Inclusive lower bound, ISO 8601. */
  from: string;
  /** Inclusive upper bound, ISO 8601. */
  to: string;
  customerId?: string;
  operation?: string;
}

export interface ActivityRepository {
  /** Newest first: ordered by dateTime then id, both descending. */
  listActivity(filter: ActivityFilter, top: number, after?: Cursor): Promise<Page<ActivityRecord>>;
  /** The same rows as `listActivity`, all of them, in pages of up to `pageSize`. */
  streamActivity(filter: ActivityFilter, pageSize: number, after?: Cursor): PageStream<ActivityRecord>;
  /** How many records match (one COUNT over the index in the partner's partition). */
  countActivity(filter: ActivityFilter): Promise<number>;
  createActivity(record: ActivityRecord): Promise<void>;
  upsertActivity(record: ActivityRecord): Promise<void>;
  deleteActivity(partnerId: string, id: string): Promise<void>;
  /** Pending records written before `before`, across partners (for reconciliation). */
  listPendingActivity(before: string, limit: number): Promise<ActivityRecord[]>;
}
