/**
 * Customers in Cosmos DB: one logical partition per partner; search is a keyset-paged query over the
 * indexed `searchKeys` array and the `(sortKey, id)` or `(domain, id)` composite indexes.
 */
import { ChangeFeedStartFrom, type Container, type SqlParameter } from '@azure/cosmos';
import type { CustomerSort } from '../customers/contract.js';
import type { CustomerRecord, CustomerRow } from '../customers/customer.js';
import type { CustomerFilter, CustomerRepository, RenamedCustomer } from '../customers/ports.js';
import type { Cursor, Page, PageStream } from '../kernel/page.js';
import { type CosmosSystemProperties, cosmosStatus, type KeysetQuery, queryCount, queryKeysetPage, queryKeysetStream } from './cosmos.js';

type StoredCustomer = CustomerRecord & CosmosSystemProperties;

function fromStored(stored: StoredCustomer): CustomerRecord {
  const { _etag, _ts, _rid, _self, _attachments, ...record } = stored;
  return { ...record, etag: _etag ?? '' };
}

type SearchRow = CustomerRow & { sortKey: string };

/** Changed customers asked for per change feed read. */
const CHANGES_PER_READ = 1000;

/** The WHERE clause of a filter: the partner, the reseller, the search prefix or Microsoft ID. */
function filterClause(filter: CustomerFilter): { where: string[]; parameters: SqlParameter[] } {
  const parameters: SqlParameter[] = [{ name: '@partnerId', value: filter.partnerId }];
  const where = ['c.partnerId = @partnerId'];
  if (filter.resellerId !== undefined) {
    where.push('c.resellerId = @resellerId');
    parameters.push({ name: '@resellerId', value: filter.resellerId });
  }
  if (filter.searchPrefix) {
    const alternatives = ['EXISTS(SELECT VALUE k FROM k IN c.searchKeys WHERE STARTSWITH(k, @search))'];
    parameters.push({ name: '@search', value: filter.searchPrefix });
    if (filter.idEquals) {
      alternatives.push('c.id = @idEquals');
      parameters.push({ name: '@idEquals', value: filter.idEquals });
    }
    if (filter.insideName) {
      // The bigrams narrow through the range index on the searchBigrams elements (the same EXISTS
      // form as searchKeys); CONTAINS on the folded name then confirms the run is contiguous.
      const inside = filter.insideName.bigrams.map((bigram, index) => {
        parameters.push({ name: `@bigram${index}`, value: bigram });
        return `EXISTS(SELECT VALUE b FROM b IN c.searchBigrams WHERE b = @bigram${index})`;
      });
      parameters.push({ name: '@inside', value: filter.insideName.text });
      alternatives.push(`(${[...inside, 'CONTAINS(c.sortKey, @inside)'].join(' AND ')})`);
    }
    where.push(alternatives.length === 1 ? (alternatives[0] ?? '') : `(${alternatives.join(' OR ')})`);
  }
  return { where, parameters };
}

/**
 * The search in the partner's partition, ordered by (sortKey, id) or (domain, id), ascending or
 * read backwards (a descending sort reads the same composite fully reversed). With the reseller
 * filter the ORDER BY starts with `resellerId`, so the (resellerId, sortKey, id) or (resellerId,
 * domain, id) composite index serves it: an equality-filtered property must lead the ORDER BY for
 * a composite to serve both. The order of rows is the same, since every row has that one reseller id.
 */
function searchQuery(filter: CustomerFilter, sort: CustomerSort = 'companyName'): KeysetQuery {
  const { where, parameters } = filterClause(filter);
  const select = 'c.id, c.companyName, c.domain, c.relationship, c.resellerId, c.sortKey';
  const keyset: [string, string] = [sort.endsWith('domain') ? 'domain' : 'sortKey', 'id'];
  const leadingOrder = filter.resellerId === undefined ? [] : ['resellerId'];
  return { partitionKey: filter.partnerId, select, where, parameters, leadingOrder, keyset, reverse: sort.startsWith('-') };
}

export class CosmosCustomerRepository implements CustomerRepository {
  constructor(private readonly container: Container) {}

  async searchCustomers(filter: CustomerFilter, top: number, after?: Cursor, sort?: CustomerSort): Promise<Page<SearchRow>> {
    return queryKeysetPage(this.container, searchQuery(filter, sort), top, after);
  }

  async countMatches(filter: CustomerFilter, cap: number): Promise<number> {
    // The filter is answered by the index (searchKeys range index, resellerId); only a constant per
    // match comes back, and no more than cap + 1 of them. (Cosmos DB could fold this into one
    // value with COUNT over a TOP subquery; the local endpoint does not parse FROM subqueries.)
    const { where, parameters } = filterClause(filter);
    const query = `SELECT TOP ${cap + 1} VALUE 1 FROM c WHERE ${where.join(' AND ')}`;
    const { resources } = await this.container.items.query<number>({ query, parameters }, { partitionKey: filter.partnerId, maxItemCount: cap + 1 }).fetchAll();
    return resources.length;
  }

  streamCustomers(filter: CustomerFilter, pageSize: number, after?: Cursor): PageStream<SearchRow> {
    return queryKeysetStream(this.container, searchQuery(filter), pageSize, after);
  }

  async countCustomers(filter: CustomerFilter): Promise<number> {
    return queryCount(this.container, searchQuery(filter));
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

  async listAllCustomers(pageSize: number, continuationToken?: string): Promise<{ records: CustomerRecord[]; continuationToken?: string }> {
    const response = await this.container.items
      .readAll<StoredCustomer>({ maxItemCount: pageSize, ...(continuationToken ? { continuationToken } : {}) })
      .fetchNext();
    return {
      records: response.resources.map(fromStored),
      ...(response.continuationToken ? { continuationToken: response.continuationToken } : {}),
    };
  }

  watchRenamedSince(filter: Pick<CustomerFilter, 'partnerId' | 'resellerId'>, since: string): () => Promise<RenamedCustomer[]> {
    // The partner's change feed, latest version of each changed customer, from a second before
    // `since`: the start is sent as an HTTP date (whole seconds) and is exclusive
    // (https://learn.microsoft.com/dotnet/api/microsoft.azure.documents.client.changefeedoptions.starttime),
    // so a rename in the same second as `since` is not missed; `renamedDateTime` decides. (The
    // feed goes by Cosmos DB's clock, `since` by the app's: the second also covers a small skew.)
    const start = new Date(Math.floor(Date.parse(since) / 1000) * 1000 - 1000);
    const changes = this.container.items.getChangeFeedIterator<StoredCustomer>({
      changeFeedStartFrom: ChangeFeedStartFrom.Time(start, filter.partnerId),
      maxItemCount: CHANGES_PER_READ,
    });
    const renamed = new Map<string, RenamedCustomer>();
    return async () => {
      // Read until the feed is caught up (304 Not Modified): usually that first read.
      for (;;) {
        const { statusCode, result } = await changes.readNext();
        if (statusCode === 304 || result.length === 0) return [...renamed.values()];
        for (const customer of result) {
          const inScope = filter.resellerId === undefined || customer.resellerId === filter.resellerId;
          if (inScope && typeof customer.companyName === 'string' && customer.renamedDateTime !== undefined && customer.renamedDateTime > since) {
            const { id, companyName, domain, relationship, resellerId, previousNames } = customer;
            renamed.set(id, { id, companyName, domain, relationship, resellerId, previousNames });
          } else {
            renamed.delete(customer.id);
          }
        }
      }
    };
  }

  async createCustomer(record: CustomerRecord): Promise<'Conflict' | undefined> {
    const { etag: _ignored, ...body } = record;
    try {
      await this.container.items.create(body);
      return undefined;
    } catch (err) {
      if (cosmosStatus(err) === 409) return 'Conflict';
      throw err;
    }
  }

  async upsertCustomer(record: CustomerRecord): Promise<void> {
    const { etag: _ignored, ...body } = record;
    await this.container.items.upsert(body);
  }
}
