/** Subscriptions in Cosmos DB: keyset pages over (customerId, sortKey, id) in the partner's partition. */
import type { Container, SqlParameter } from '@azure/cosmos';
import type { Page } from '../customers/ports.js';
import type { Cursor } from '../http/paging.js';
import { keysetPage } from './cosmos.js';
import type { SubscriptionFilter, SubscriptionRecord, SubscriptionRepository } from '../subscriptions/subscription.js';

function subscriptionWhere(filter: SubscriptionFilter): { where: string[]; parameters: SqlParameter[] } {
  const parameters: SqlParameter[] = [
    { name: '@partnerId', value: filter.partnerId },
    { name: '@customerId', value: filter.customerId },
  ];
  const where = ['c.partnerId = @partnerId', 'c.customerId = @customerId'];
  if (filter.resellerId !== undefined) {
    where.push('c.resellerId = @resellerId');
    parameters.push({ name: '@resellerId', value: filter.resellerId });
  }
  return { where, parameters };
}

export class CosmosSubscriptionRepository implements SubscriptionRepository {
  constructor(private readonly container: Container) {}

  async listSubscriptions(filter: SubscriptionFilter, top: number, after?: Cursor): Promise<Page<SubscriptionRecord>> {
    const { where, parameters } = subscriptionWhere(filter);
    if (after) {
      where.push('(c.sortKey > @afterSortKey OR (c.sortKey = @afterSortKey AND c.id > @afterId))');
      parameters.push({ name: '@afterSortKey', value: after[0] ?? '' }, { name: '@afterId', value: after[1] ?? '' });
    }
    const query = `SELECT TOP ${top + 1} c.id, c.partnerId, c.customerId, c.offerName, c.quantity, c.status, c.resellerId, c.sortKey FROM c WHERE ${where.join(' AND ')} ORDER BY c.customerId ASC, c.sortKey ASC, c.id ASC`;
    const { resources } = await this.container.items
      .query<SubscriptionRecord>({ query, parameters }, { partitionKey: filter.partnerId, maxItemCount: top + 1 })
      .fetchAll();
    return keysetPage(resources, top, (row) => [row.sortKey, row.id]);
  }

  async countSubscriptions(filter: SubscriptionFilter): Promise<number> {
    const { where, parameters } = subscriptionWhere(filter);
    const { resources } = await this.container.items
      .query<number>({ query: `SELECT VALUE COUNT(1) FROM c WHERE ${where.join(' AND ')}`, parameters }, { partitionKey: filter.partnerId })
      .fetchAll();
    return resources.reduce((sum, count) => sum + count, 0);
  }

  async upsertSubscription(record: SubscriptionRecord): Promise<void> {
    await this.container.items.upsert(record);
  }
}
