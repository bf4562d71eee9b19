/** Activity records in Cosmos DB: newest first over the (dateTime desc, id desc) composite index. */
import type { Container, SqlParameter } from '@azure/cosmos';
import type { ActivityFilter, ActivityRecord, ActivityRepository } from '../activity/activity.js';
import type { Page } from '../customers/ports.js';
import type { Cursor } from '../http/paging.js';
import { type CosmosSystemProperties, cosmosStatus, keysetPage } from './cosmos.js';

const FIELDS = 'c.id, c.partnerId, c.resellerId, c.dateTime, c.operation, c.customerId, c.customerName, c.user, c.status, c.details';

function activityWhere(filter: ActivityFilter): { where: string[]; parameters: SqlParameter[] } {
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
  return { where, parameters };
}

export class CosmosActivityRepository implements ActivityRepository {
  constructor(private readonly container: Container) {}

  async countActivity(filter: ActivityFilter): Promise<number> {
    const { where, parameters } = activityWhere(filter);
    const { resources } = await this.container.items
      .query<number>({ query: `SELECT VALUE COUNT(1) FROM c WHERE ${where.join(' AND ')}`, parameters }, { partitionKey: filter.partnerId })
      .fetchAll();
    return resources.reduce((sum, count) => sum + count, 0);
  }

  async listActivity(filter: ActivityFilter, top: number, after?: Cursor): Promise<Page<ActivityRecord>> {
    const { where, parameters } = activityWhere(filter);
    if (after) {
      where.push('(c.dateTime < @afterDateTime OR (c.dateTime = @afterDateTime AND c.id < @afterId))');
      parameters.push({ name: '@afterDateTime', value: after[0] ?? '' }, { name: '@afterId', value: after[1] ?? '' });
    }
    const query = `SELECT TOP ${top + 1} ${FIELDS} FROM c WHERE ${where.join(' AND ')} ORDER BY c.dateTime DESC, c.id DESC`;
    const { resources } = await this.container.items
      .query<ActivityRecord>({ query, parameters }, { partitionKey: filter.partnerId, maxItemCount: top + 1 })
      .fetchAll();
    return keysetPage(resources, top, (row) => [row.dateTime, row.id]);
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
