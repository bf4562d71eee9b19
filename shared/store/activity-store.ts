/** Activity records in Cosmos DB: newest first over the (dateTime desc, id desc) composite index. */
import type { Container, SqlParameter } from '@azure/cosmos';
import type { ActivityRecord } from '../activity/activity.js';
import type { ActivityFilter, ActivityRepository } from '../activity/ports.js';
import type { Cursor, Page, PageStream } from '../kernel/page.js';
import { type CosmosSystemProperties, cosmosStatus, type KeysetQuery, queryCount, queryKeysetPage, queryKeysetStream } from './cosmos.js';

const FIELDS = 'c.id, c.partnerId, c.resellerId, c.dateTime, c.operation, c.customerId, c.customerName, c.user, c.status, c.details';

/**
 * Newest first within a date range. Each equality filter present leads the ORDER BY, in this fixed
 * order, so that one composite index (infra/cosmos-containers.json has one for each combination)
 * serves the filters and the order together.
 */
const EQUALITY_FILTERS = ['resellerId', 'customerId', 'operation'] as const;

function activityQuery(filter: ActivityFilter): KeysetQuery {
  const parameters: SqlParameter[] = [
    { name: '@partnerId', value: filter.partnerId },
    { name: '@from', value: filter.from },
    { name: '@to', value: filter.to },
  ];
  const where = ['c.partnerId = @partnerId', 'c.dateTime >= @from', 'c.dateTime <= @to'];
  const leadingOrder: string[] = [];
  for (const field of EQUALITY_FILTERS) {
    const value = filter[field];
    if (value === undefined) continue;
    where.push(`c.${field} = @${field}`);
    parameters.push({ name: `@${field}`, value });
    leadingOrder.push(field);
  }
  return { partitionKey: filter.partnerId, select: FIELDS, where, parameters, leadingOrder, keyset: ['dateTime', 'id'], descending: true };
}

export class CosmosActivityRepository implements ActivityRepository {
  constructor(private readonly container: Container) {}

  async countActivity(filter: ActivityFilter): Promise<number> {
    return queryCount(this.container, activityQuery(filter));
  }

  async listActivity(filter: ActivityFilter, top: number, after?: Cursor): Promise<Page<ActivityRecord>> {
    return queryKeysetPage(this.container, activityQuery(filter), top, after);
  }

  streamActivity(filter: ActivityFilter, pageSize: number, after?: Cursor): PageStream<ActivityRecord> {
    return queryKeysetStream(this.container, activityQuery(filter), pageSize, after);
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
