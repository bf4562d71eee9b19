/** Activity records in Cosmos DB: newest first over the (dateTime desc, id desc) composite index. */
import type { Container, SqlParameter } from '@azure/cosmos';
import type { ActivityRecord } from '../activity/activity.js';
import type { ActivityFilter, ActivityRepository } from '../activity/ports.js';
import type { Cursor, Page } from '../kernel/page.js';
import { type CosmosSystemProperties, cosmosStatus, queryKeysetPage } from './cosmos.js';

const FIELDS = 'c.id, c.partnerId, c.resellerId, c.dateTime, c.operation, c.customerId, c.customerName, c.user, c.status, c.details';

export class CosmosActivityRepository implements ActivityRepository {
  constructor(private readonly container: Container) {}

  async listActivity(filter: ActivityFilter, top: number, after?: Cursor): Promise<Page<ActivityRecord>> {
    const parameters: SqlParameter[] = [
      { name: '@partnerId', value: filter.partnerId },
      { name: '@from', value: filter.from },
      { name: '@to', value: filter.to },
    ];
    const where = ['c.partnerId = @partnerId', 'c.dateTime >= @from', 'c.dateTime <= @to'];
    const optional: Array<[string, string | undefined]> = [
      ['resellerId', filter.resellerId],
      ['customerId', filter.customerId],
      ['operation', filter.operation],
    ];
    for (const [field, value] of optional) {
      if (value === undefined) continue;
      where.push(`c.${field} = @${field}`);
      parameters.push({ name: `@${field}`, value });
    }
    return queryKeysetPage(
      this.container,
      { partitionKey: filter.partnerId, select: FIELDS, where, parameters, keyset: ['dateTime', 'id'], descending: true },
      top,
      after,
    );
  }

  async createActivity(record: ActivityRecord): Promise<void> {
    await this.container.items.create(record);
  }

  async upsertActivity(record: ActivityRecord): Promise<void> {
    await this.container.items.upsert(record);
  }

  async deleteActivity(partnerId: string, id: string): Promise<void> {
    try {
      await this.container.item(id, partnerId).delete();
    } catch (err) {
      if (cosmosStatus(err) !== 404) throw err;
    }
  }

  async listPendingActivity(before: string, limit: number): Promise<ActivityRecord[]> {
    const { resources } = await this.container.items
      .query<ActivityRecord & CosmosSystemProperties>({
        query: `SELECT TOP ${limit} ${FIELDS} FROM c WHERE c.status = 'Pending' AND c.dateTime < @before`,
        parameters: [{ name: '@before', value: before }],
      })
      .fetchAll();
    return resources;
  }
}
