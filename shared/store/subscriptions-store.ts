/** Subscriptions in Cosmos DB: keyset pages over (customerId, sortKey, id) in the partner's partition. */
import type { Container, SqlParameter } from '@azure/cosmos';
import type { Cursor, Page } from '../kernel/page.js';
import type { SubscriptionFilter, SubscriptionRepository } from '../subscriptions/ports.js';
import type { SubscriptionRecord } from '../subscriptions/subscription.js';
import { queryKeysetPage } from './cosmos.js';

export class CosmosSubscriptionRepository implements SubscriptionRepository {
  constructor(private readonly container: Container) {}

  async listSubscriptions(filter: SubscriptionFilter, top: number, after?: Cursor): Promise<Page<SubscriptionRecord>> {
    const parameters: SqlParameter[] = [
      { name: '@partnerId', value: filter.partnerId },
      { name: '@customerId', value: filter.customerId },
    ];
    const where = ['c.partnerId = @partnerId', 'c.customerId = @customerId'];
    if (filter.resellerId !== undefined) {
      where.push('c.resellerId = @resellerId');
      parameters.push({ name: '@resellerId', value: filter.resellerId });
    }
    const select = 'c.id, c.partnerId, c.customerId, c.offerName, c.quantity, c.status, c.resellerId, c.sortKey';
    return queryKeysetPage(
      this.container,
      { partitionKey: filter.partnerId, select, where, parameters, keyset: ['sortKey', 'id'], leadingOrder: 'customerId' },
      top,
      after,
    );
  }

  async upsertSubscription(record: SubscriptionRecord): Promise<void> {
    await this.container.items.upsert(record);
  }
}
