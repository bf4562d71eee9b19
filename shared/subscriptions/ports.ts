/** What the subscription use cases need from a store (implemented in shared/store). */
import type { Cursor, Page, PageStream } from '../kernel/page.js';
import type { SubscriptionRecord } from './subscription.js';

export interface SubscriptionFilter {
  partnerId: string;
  customerId: string;
  /** A reseller sees only the subscriptions it sells. */
  resellerId?: string;
}

export interface SubscriptionRepository {
  listSubscriptions(filter: SubscriptionFilter, top: number, after?: Cursor): Promise<Page<SubscriptionRecord>>;
  /** The same rows as `listSubscriptions`, all of them, in pages of up to `pageSize`. */
  streamSubscriptions(filter: SubscriptionFilter, pageSize: number, after?: Cursor): PageStream<SubscriptionRecord>;
  /** How many subscriptions match (one COUNT in the partner's partition). */
  countSubscriptions(filter: SubscriptionFilter): Promise<number>;
  upsertSubscription(record: SubscriptionRecord): Promise<void>;
}
