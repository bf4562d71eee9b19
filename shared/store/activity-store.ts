/** Activity records in Cosmos DB: newest first over the (dateTime desc, id desc) composite index. */
import type { Container, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type { ActivityFilter, ActivityRecord, ActivityRepository } from '../activity/activity.js';
import type { Page, PageStream } from '../customers/ports.js';
import type { Cursor } from '../http/paging.js';
import { type CosmosSystemProperties, cosmosStatus, keysetPage, keysetStream } from './cosmos.js';

const FIELDS = 'c.id, c.partnerId, c.resellerId, c.dateTime, c.operation, c.customerId, c.customerName, c.user, c.status, c.details';

const cursorOf = (row: ActivityRecord) => [row.dateTime, row.id];

/**
 * Newest first within a date range. Each equality filter present leads the ORDER BY, in this fixed
 * order, so that one composite index (infra/cosmos-containers.json has one for each combination)
 * serves the filters and the order together.
 */
const EQUALITY_FILTERS = ['resellerId', 'customerId', 'operation'] as const;

function activityQuery(filter: ActivityFilter, after: Cursor | undefined, top?: number): SqlQuerySpec {
  const parameters: SqlParameter[] = [
    { name: '@partnerId', value: filter.partnerId },
    { name: '@from', value: filter.from },
    { name: '@to', value: filter.to },
  ];
  const where = ['c.partnerId = @partnerId', 'c.dateTime >= @from', 'c.dateTime <= @to'];
  const orderBy: string[] = [];
  for (const field of EQUALITY_FILTERS) {
    const value = filter[field];
    if (value === undefined) continue;
    where.push(`c.${field} = @${field}`);
    parameters.push({ name: `@${field}`, value });
    orderBy.push(`c.${field} ASC`);
  }
  if (after) {
    where.push('(c.dateTime < @afterDateTime OR (c.dateTime = @afterDateTime AND c.id < @afterId))');
    parameters.push({ name: '@afterDateTime', value: after[0] ?? '' }, { name: '@afterId', value: after[1] ?? '' });
  }
  orderBy.push('c.dateTime DESC', 'c.id DESC');
  const query = `SELECT ${top ? `TOP ${top} ` : ''}${FIELDS} FROM c WHERE ${where.join(' AND ')} ORDER BY ${orderBy.join(', ')}`;
  return { query, parameters };
}

export class CosmosActivityRepository implements ActivityRepository {
  constructor(private readonly container: Container) {}

  async listActivity(filter: ActivityFilter, top: number, after?: Cursor): Promise<Page<ActivityRecord>> {
    const { resources } = await this.container.items
      .query<ActivityRecord>(activityQuery(filter, after, top + 1), { partitionKey: filter.partnerId, maxItemCount: top + 1 })
      .fetchAll();
    return keysetPage(resources, top, cursorOf);
  }

  streamActivity(filter: ActivityFilter, pageSize: number, after?: Cursor): PageStream<ActivityRecord> {
    return keysetStream(this.container, activityQuery(filter, after), filter.partnerId, pageSize, cursorOf);
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
