/**
 * Customers in Cosmos DB: one logical partition per partner; search is a keyset-paged query over the
 * indexed `searchKeys` array and the `sortKey, id` composite index.
 */
import type { Container, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type { CustomerRecord, CustomerRow } from '../customers/customer.js';
import type { CustomerFilter, CustomerRepository, Page, PageStream } from '../customers/ports.js';
import type { Cursor } from '../http/paging.js';
import { type CosmosSystemProperties, cosmosStatus, keysetPage, keysetStream } from './cosmos.js';

type StoredCustomer = CustomerRecord & CosmosSystemProperties;

export function fromStored(stored: StoredCustomer): CustomerRecord {
  const { _etag, _ts, _rid, _self, _attachments, ...record } = stored;
  return { ...record, etag: _etag ?? '' };
}

const cursorOf = (row: CustomerRow & { sortKey: string }) => [row.sortKey, row.id];

/**
 * The search in the partner's partition, ordered by (sortKey, id). With the reseller filter the
 * ORDER BY starts with `resellerId`, so the (resellerId, sortKey, id) composite index serves it:
 * an equality-filtered property must lead the ORDER BY for a composite to serve both. The order of
 * rows is the same, since every row has that one reseller id.
 */
function searchQuery(filter: CustomerFilter, after: Cursor | undefined, top?: number): SqlQuerySpec {
  const parameters: SqlParameter[] = [{ name: '@partnerId', value: filter.partnerId }];
  const where = ['c.partnerId = @partnerId'];
  const orderBy = ['c.sortKey ASC', 'c.id ASC'];
  if (filter.resellerId !== undefined) {
    where.push('c.resellerId = @resellerId');
    parameters.push({ name: '@resellerId', value: filter.resellerId });
    orderBy.unshift('c.resellerId ASC');
  }
  if (filter.searchPrefix) {
    const keyMatch = 'EXISTS(SELECT VALUE k FROM k IN c.searchKeys WHERE STARTSWITH(k, @search))';
    parameters.push({ name: '@search', value: filter.searchPrefix });
    if (filter.idEquals) {
      where.push(`(${keyMatch} OR c.id = @idEquals)`);
      parameters.push({ name: '@idEquals', value: filter.idEquals });
    } else {
      where.push(keyMatch);
    }
  }
  if (after) {
    where.push('(c.sortKey > @afterSortKey OR (c.sortKey = @afterSortKey AND c.id > @afterId))');
    parameters.push({ name: '@afterSortKey', value: after[0] ?? '' }, { name: '@afterId', value: after[1] ?? '' });
  }
  const query = `SELECT ${top ? `TOP ${top} ` : ''}c.id, c.companyName, c.domain, c.relationship, c.resellerId, c.sortKey FROM c WHERE ${where.join(' AND ')} ORDER BY ${orderBy.join(', ')}`;
  return { query, parameters };
}

export class CosmosCustomerRepository implements CustomerRepository {
  constructor(private readonly container: Container) {}

  async searchCustomers(filter: CustomerFilter, top: number, after?: Cursor): Promise<Page<CustomerRow & { sortKey: string }>> {
    const { resources } = await this.container.items
      .query<CustomerRow & { sortKey: string }>(searchQuery(filter, after, top + 1), { partitionKey: filter.partnerId, maxItemCount: top + 1 })
      .fetchAll();
    return keysetPage(resources, top, cursorOf);
  }

  streamCustomers(filter: CustomerFilter, pageSize: number, after?: Cursor): PageStream<CustomerRow & { sortKey: string }> {
    return keysetStream(this.container, searchQuery(filter, after), filter.partnerId, pageSize, cursorOf);
  }

  async getCustomer(partnerId: string, customerId: string): Promise<CustomerRecord | undefined> {
    const { resource } = await this.container.item(customerId, partnerId).read<StoredCustomer>();
    return resource ? fromStored(resource) : undefined;
  }

  async replaceCustomer(record: CustomerRecord, ifMatchEtag: string): Promise<CustomerRecord | 'PreconditionFailed'> {
    const { etag: _ignored, ...body } = record;
    try {
      const { resource } = await this.container
        .item(record.id, record.partnerId)
        .replace<StoredCustomer>(body, { accessCondition: { type: 'IfMatch', condition: ifMatchEtag } });
      if (!resource) throw new Error('Cosmos DB returned no document for a replace.');
      return fromStored(resource);
    } catch (err) {
      if (cosmosStatus(err) === 412 || cosmosStatus(err) === 404) return 'PreconditionFailed';
      throw err;
    }
  }

  async upsertCustomer(record: CustomerRecord): Promise<void> {
    const { etag: _ignored, ...body } = record;
    await this.container.items.upsert(body);
  }
}
