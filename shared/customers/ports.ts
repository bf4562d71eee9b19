/** What the customer use cases need from a store (implemented in shared/store). */
import type { Cursor } from '../http/paging.js';
import type { CustomerRecord, CustomerRow } from './customer.js';

export interface CustomerFilter {
  partnerId: string;
  /** Only this reseller's customers (the caller's own id for a reseller, or the filter). */
  resellerId?: string;
  /** Folded search text: prefix of any search key. */
  searchPrefix?: string;
  /** Canonical id the search may equal (the Microsoft ID). */
  idEquals?: string;
}

export interface Page<T> {
  rows: T[];
  /** Position after the last row, present when more rows may follow. */
  next?: Cursor;
}

/**
 * Every row after a cursor, in pages read one after another by a single store query (one query plan,
 * then one request a page). Each page carries the cursor of its last row, so a reader can stop after
 * any page and resume later with a new stream from that cursor.
 */
export type PageStream<T> = AsyncIterable<{ rows: T[]; cursor: Cursor }>;

export interface CustomerRepository {
  /** Up to `top` rows after `after`, ordered by sort key then id. */
  searchCustomers(filter: CustomerFilter, top: number, after?: Cursor): Promise<Page<CustomerRow & { sortKey: string }>>;
  /** The same rows as `searchCustomers`, all of them, in pages of up to `pageSize`. */
  streamCustomers(filter: CustomerFilter, pageSize: number, after?: Cursor): PageStream<CustomerRow & { sortKey: string }>;
  getCustomer(partnerId: string, customerId: string): Promise<CustomerRecord | undefined>;
  /** Replaces the record only if its etag still matches; false when it does not. */
  replaceCustomer(record: CustomerRecord, ifMatchEtag: string): Promise<CustomerRecord | 'PreconditionFailed'>;
  upsertCustomer(record: CustomerRecord): Promise<void>;
}
