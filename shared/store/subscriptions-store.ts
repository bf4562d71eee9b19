/** Subscriptions in Cosmos DB: keyset pages over (customerId, sortKey, id) in the partner's partition. */
import type { Container, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type { Page, PageStream } from '../customers/ports.js';
import type { Cursor } from '../http/paging.js';
import { keysetPage, keysetStream } from './cosmos.js';
import type { SubscriptionFilter, SubscriptionRecord, SubscriptionRepository } from '../subscriptions/subscription.js';

const cursorOf = (row: SubscriptionRecord) => [row.sortKey, row.id];

/** A customer's subscriptions, ordered by (sortKey, id) behind its equality filters, which lead the ORDER BY. */
function subscriptionsQuery(filter: SubscriptionFilter, after: Cursor | undefined, top?: number): SqlQuerySpec {
  const parameters: SqlParameter[] = [
    { name: '@partnerId', value: filter.partnerId },
    { name: '@customerId', value: filter.customerId },
  ];
  const where = ['c.partnerId = @partnerId', 'c.customerId = @customerId'];
  const orderBy = ['c.customerId ASC', 'c.sortKey ASC', 'c.id ASC'];
  if (filter.resellerId !== undefined) {
    where.push('c.resellerId = @resellerId');
    parameters.push({ name: '@resellerId', value: filter.resellerId });
    orderBy.splice(1, 0, 'c.resellerId ASC');
  }
  if (after) {
    where.push('(c.sortKey > @afterSortKey OR (c.sortKey = @afterSortKey AND c.id > @afterId))');
    parameters.push({ name: '@afterSortKey', value: after[0] ?? '' }, { name: '@afterId', value: after[1] ?? '' });
  }
  const query = `SELECT ${top ? `TOP ${top} ` : ''}c.id, c.partnerId, c.customerId, c.offerName, c.quantity, c.status, c.resellerId, c.sortKey FROM c WHERE ${where.join(' AND ')} ORDER BY ${orderBy.join(', ')}`;
  return { query, parameters };
}

export class CosmosSubscriptionRepository implements SubscriptionRepository {
  constructor(private readonly container: Container) {}

  async listSubscriptions(filter: SubscriptionFilter, top: number, after?: Cursor): Promise<Page<SubscriptionRecord>> {
    const { resources } = await this.container.items
      .query<SubscriptionRecord>(subscriptionsQuery(filter, after, top + 1), { partitionKey: filter.partnerId, maxItemCount: top + 1 })
      .fetchAll();
    return keysetPage(resources, top, cursorOf);
  }

  streamSubscriptions(filter: SubscriptionFilter, pageSize: number, after?: Cursor): PageStream<SubscriptionRecord> {
    return keysetStream(this.container, subscriptionsQuery(filter, after), filter.partnerId, pageSize, cursorOf);
  }

  async upsertSubscription(record: SubscriptionRecord): Promise<void> {
    await this.container.items.upsert(record);
  }
}
