/**
 * Customers in Cosmos DB: one logical partition per partner; search is a keyset-paged query over the
 * indexed `searchKeys` array and the `sortKey, id` composite index.
 */
import type { Container, SqlParameter } from '@azure/cosmos';
import type { CustomerRecord, CustomerRow } from '../customers/customer.js';
import type { CustomerFilter, CustomerRepository, Page, RenamedCustomer } from '../customers/ports.js';
import type { Cursor } from '../http/paging.js';
import { type CosmosSystemProperties, cosmosStatus, keysetPage } from './cosmos.js';

type StoredCustomer = CustomerRecord & CosmosSystemProperties;

export function fromStored(stored: StoredCustomer): CustomerRecord {
  const { _etag, _ts, _rid, _self, _attachments, ...record } = stored;
  return { ...record, etag: _etag ?? '' };
}

export class CosmosCustomerRepository implements CustomerRepository {
  constructor(private readonly container: Container) {}

  async searchCustomers(filter: CustomerFilter, top: number, after?: Cursor): Promise<Page<CustomerRow & { sortKey: string }>> {
    const parameters: SqlParameter[] = [{ name: '@partnerId', value: filter.partnerId }];
    const where = ['c.partnerId = @partnerId'];
    if (filter.resellerId !== undefined) {
      where.push('c.resellerId = @resellerId');
      parameters.push({ name: '@resellerId', value: filter.resellerId });
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
    const query = `SELECT TOP ${top + 1} c.id, c.companyName, c.domain, c.relationship, c.resellerId, c.sortKey FROM c WHERE ${where.join(' AND ')} ORDER BY c.sortKey ASC, c.id ASC`;
    const { resources } = await this.container.items
      .query<CustomerRow & { sortKey: string }>({ query, parameters }, { partitionKey: filter.partnerId, maxItemCount: top + 1 })
      .fetchAll();
    return keysetPage(resources, top, (row) => [row.sortKey, row.id]);
  }

  async getCustomer(partnerId: string, customerId: string): Promise<CustomerRecord | undefined> {
    const { resource } = await this.container.item(customerId, partnerId).read<StoredCustomer>();
    // Only a customer document with exactly this id and partner is the customer asked for.
    const isCustomer =
      resource !== undefined &&
      resource.id === customerId &&
      resource.partnerId === partnerId &&
      typeof resource.companyName === 'string' &&
      Array.isArray(resource.searchKeys);
    return isCustomer ? fromStored(resource) : undefined;
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

  async listRenamedSince(filter: Pick<CustomerFilter, 'partnerId' | 'resellerId'>, since: string): Promise<RenamedCustomer[]> {
    const parameters: SqlParameter[] = [
      { name: '@partnerId', value: filter.partnerId },
      { name: '@since', value: since },
    ];
    let reseller = '';
    if (filter.resellerId !== undefined) {
      reseller = ' AND c.resellerId = @resellerId';
      parameters.push({ name: '@resellerId', value: filter.resellerId });
    }
    const query = `SELECT c.id, c.companyName, c.domain, c.relationship, c.resellerId, c.previousNames FROM c WHERE c.partnerId = @partnerId AND c.renamedDateTime > @since${reseller}`;
    const { resources } = await this.container.items.query<RenamedCustomer>({ query, parameters }, { partitionKey: filter.partnerId }).fetchAll();
    return resources;
  }

  async upsertCustomer(record: CustomerRecord): Promise<void> {
    const { etag: _ignored, ...body } = record;
    await this.container.items.upsert(body);
  }
}
