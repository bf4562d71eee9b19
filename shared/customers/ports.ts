/** What the customer use cases need from a store (implemented in shared/store). */
import type { Cursor, Page, PageStream } from '../kernel/page.js';
import type { CustomerSort } from './contract.js';
import type { CustomerRecord, CustomerRow } from './customer.js';

export interface CustomerFilter {
  partnerId: string;
  /** Only this reseller's customers (the caller's own id for a reseller, or the filter). */
  resellerId?: string;
  /** Folded search text: prefix of any search key. */
  searchPrefix?: string;
  /** Canonical id the search may equal (the Microsoft ID). */
  idEquals?: string;
  /**
   * A search of two or more CJK characters, which also matches when the folded company name
   * contains `text`; a matching customer stores every one of `bigrams` (the index narrows by them).
   */
  insideName?: { text: string; bigrams: string[] };
}

export interface CustomerRepository {
  /**
   * Up to `top` rows after `after`, in `sort` order (default: company name), ties by id. The cursor
   * is the last row's `[sortKey, id]`, or `[domain, id]` for a domain sort.
   */
  searchCustomers(filter: CustomerFilter, top: number, after?: Cursor, sort?: CustomerSort): Promise<Page<CustomerRow & { sortKey: string }>>;
  /** How many customers match, counted from the index up to `cap + 1` at most (so `> cap` means "more"). */
  countMatches(filter: CustomerFilter, cap: number): Promise<number>;
  /** The rows of `searchCustomers` in company-name order, all of them, in pages of up to `pageSize` (exports). */
  streamCustomers(filter: CustomerFilter, pageSize: number, after?: Cursor): PageStream<CustomerRow & { sortKey: string }>;
  /** How many customers match: one COUNT over the index, in the partner's partition. */
  countCustomers(filter: CustomerFilter): Promise<number>;
  getCustomer(partnerId: string, customerId: string): Promise<CustomerRecord | undefined>;
  /** Replaces the record only if its etag still matches; false when it does not. */
  replaceCustomer(record: CustomerRecord, ifMatchEtag: string): Promise<CustomerRecord | 'PreconditionFailed'>;
  /** Creates the record unless one with its id exists. */
  createCustomer(record: CustomerRecord): Promise<'Conflict' | undefined>;
  /** Writes the record whatever is there, with no counter upkeep (benchmark set-up only). */
  upsertCustomer(record: CustomerRecord): Promise<void>;
  /**
   * Every customer of every partner, one page of at most `pageSize` records at a time (a read of
   * the whole container: for maintenance such as refreshing derived keys, never for a request).
   */
  listAllCustomers(pageSize: number, continuationToken?: string): Promise<{ records: CustomerRecord[]; continuationToken?: string }>;
  /**
   * Customers of the partner (and reseller, when set) renamed after `since`, with their previous
   * names (few, unless a partner renames in bulk while one of its exports runs). Each call of the
   * returned function answers all of them so far and reads only what changed since its previous
   * call: one call to the store when nothing did.
   */
  watchRenamedSince(filter: Pick<CustomerFilter, 'partnerId' | 'resellerId'>, since: string): () => Promise<RenamedCustomer[]>;
}

export type RenamedCustomer = CustomerRow & Pick<CustomerRecord, 'previousNames'>;

/**
 * A partner's maintained customer counts: the whole list and each indirect reseller's share.
 * Updated after every write that adds a customer or moves it between resellers; checked against
 * the data by the reconciliation timer.
 */
export interface CustomerCounts {
  partnerId: string;
  total: number;
  /** Customers per indirect reseller id (absent: none). */
  byReseller: Record<string, number>;
  /** When a write last changed them (ISO). */
  changedDateTime: string;
  /** When the reconciliation last found them right or repaired them (ISO). */
  checkedDateTime?: string;
  /** Store version tag, for a repair that must not overwrite a concurrent change. */
  etag: string;
}

/** Changes to apply: `total` and per reseller id, each a signed number of customers. */
export interface CountChange {
  total: number;
  byReseller: Record<string, number>;
}

export interface CustomerCountRepository {
  read(partnerId: string): Promise<CustomerCounts | undefined>;
  /** Adds the change atomically in the store; 'Missing' when the partner has no counts yet. */
  add(partnerId: string, change: CountChange, at: string): Promise<'Missing' | undefined>;
  /** Writes counts found by counting: replaces only while `ifMatchEtag` still matches, creates only when none exist. */
  write(counts: Omit<CustomerCounts, 'etag'>, ifMatchEtag: string | undefined): Promise<'Conflict' | undefined>;
  /** Records that the counts were checked and found right. */
  markChecked(partnerId: string, at: string): Promise<void>;
}
