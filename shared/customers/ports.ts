/** What the customer use cases need from a store (implemented in shared/store). */
import type { Cursor, Page, PageStream } from '../kernel/page.js';
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

export interface CustomerRepository {
  /** Up to `top` rows after `after`, ordered by sort key then id. */
  searchCustomers(filter: CustomerFilter, top: number, after?: Cursor): Promise<Page<CustomerRow & { sortKey: string }>>;
  /** The same rows as `searchCustomers`, all of them, in pages of up to `pageSize`. */
  streamCustomers(filter: CustomerFilter, pageSize: number, after?: Cursor): PageStream<CustomerRow & { sortKey: string }>;
  /** How many customers match: one COUNT over the index, in the partner's partition. */
  countCustomers(filter: CustomerFilter): Promise<number>;
  getCustomer(partnerId: string, customerId: string): Promise<CustomerRecord | undefined>;
  /** Replaces the record only if its etag still matches; false when it does not. */
  replaceCustomer(record: CustomerRecord, ifMatchEtag: string): Promise<CustomerRecord | 'PreconditionFailed'>;
  upsertCustomer(record: CustomerRecord): Promise<void>;
  /**
   * Customers of the partner (and reseller, when set) renamed after `since`, with their previous
   * names: few, unless a partner renames in bulk while one of its exports runs.
   */
  listRenamedSince(filter: Pick<CustomerFilter, 'partnerId' | 'resellerId'>, since: string): Promise<RenamedCustomer[]>;
}

export type RenamedCustomer = CustomerRow & Pick<CustomerRecord, 'previousNames'>;
