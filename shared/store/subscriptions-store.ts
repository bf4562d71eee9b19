/** Subscriptions in Cosmos DB: keyset pages over (customerId, sortKey, id) in the partner's partition. */
import type { Container, SqlParameter } from '@azure/cosmos';
import type { Cursor, Page, PageStream } from '../kernel/page.js';
import type { SubscriptionFilter, SubscriptionRepository } from '../subscriptions/ports.js';
import type { SubscriptionRecord } from '../subscriptions/subscription.js';
import { type KeysetQuery, queryCount, queryKeysetPage, queryKeysetStream } from './cosmos.js';

/** A customer's subscriptions, ordered by (sortKey, id) behind its equality filters, which lead the ORDER BY. */
function subscriptionsQuery(filter: SubscriptionFilter): KeysetQuery {
  const parameters: SqlParameter[] = [
    { name: '@partnerId', value: filter.partnerId },
    { name: '@customerId', value: filter.customerId },
  ];
  const where = ['c.partnerId = @partnerId', 'c.customerId = @customerId'];
  const leadingOrder = ['customerId'];
  if (filter.resellerId !== undefined) {
    where.push('c.resellerId = @resellerId');
    parameters.push({ name: '@resellerId', value: filter.resellerId });
    leadingOrder.push('resellerId');
  }
  const select = 'c.id, c.partnerId, c.customerId, c.offerName, c.quantity, c.status, c.resellerId, c.sortKey';
  return { partitionKey: filter.partnerId, select, where, parameters, leadingOrder, keyset: ['sortKey', 'id'] };
}

export class CosmosSubscriptionRepository implements SubscriptionRepository {
  constructor(private readonly container: Container) {}

  async listSubscriptions(filter: SubscriptionFilter, top: number, after?: Cursor): Promise<Page<SubscriptionRecord>> {
    return queryKeysetPage(this.container, subscriptionsQuery(filter), top, after);
  }

  streamSubscriptions(filter: SubscriptionFilter, pageSize: number, after?: Cursor): PageStream<SubscriptionRecord> {
    return queryKeysetStream(this.container, subscriptionsQuery(filter), pageSize, after);
  }

  async countSubscriptions(filter: SubscriptionFilter): Promise<number> {
    return queryCount(this.container, subscriptionsQuery(filter));
  }

  async upsertSubscription(record: SubscriptionRecord): Promise<void> {
    await this.container.items.upsert(record);
  }
}
