/**
 * Maintained customer counts in Cosmos DB: one small document per partner in the `counters`
 * container (partitioned by partner), changed with patch `incr` operations, which the store applies
 * atomically, so concurrent writers never lose each other's changes and need no retries.
 */
import type { Container, PatchOperation } from '@azure/cosmos';
import type { CountChange, CustomerCountRepository, CustomerCounts } from '../customers/ports.js';
import { type CosmosSystemProperties, cosmosStatus } from './cosmos.js';

/** The id of the customer counts document in each partner's partition. */
const COUNTS_ID = 'customers';

interface StoredCounts extends CosmosSystemProperties {
  id: string;
  partnerId: string;
  total: number;
  byReseller: Record<string, number>;
  changedDateTime: string;
  checkedDateTime?: string;
}

/** A JSON Pointer segment (RFC 6901): reseller ids may hold `~`. */
const pointerSegment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

export class CosmosCustomerCountRepository implements CustomerCountRepository {
  constructor(private readonly container: Container) {}

  async read(partnerId: string): Promise<CustomerCounts | undefined> {
    const { resource } = await this.container.item(COUNTS_ID, partnerId).read<StoredCounts>();
    if (!resource) return undefined;
    return {
      partnerId: resource.partnerId,
      total: resource.total,
      byReseller: resource.byReseller ?? {},
      changedDateTime: resource.changedDateTime,
      ...(resource.checkedDateTime ? { checkedDateTime: resource.checkedDateTime } : {}),
      etag: resource._etag ?? '',
    };
  }

  async add(partnerId: string, change: CountChange, at: string): Promise<'Missing' | undefined> {
    const operations: PatchOperation[] = [{ op: 'set', path: '/changedDateTime', value: at }];
    if (change.total !== 0) operations.push({ op: 'incr', path: '/total', value: change.total });
    for (const [resellerId, delta] of Object.entries(change.byReseller)) {
      if (delta !== 0) operations.push({ op: 'incr', path: `/byReseller/${pointerSegment(resellerId)}`, value: delta });
    }
    if (operations.length === 1) return undefined;
    try {
      await this.container.item(COUNTS_ID, partnerId).patch(operations);
      return undefined;
    } catch (err) {
      if (cosmosStatus(err) === 404) return 'Missing';
      throw err;
    }
  }

  async write(counts: Omit<CustomerCounts, 'etag'>, ifMatchEtag: string | undefined): Promise<'Conflict' | undefined> {
    const body: StoredCounts = { id: COUNTS_ID, ...counts };
    try {
      if (ifMatchEtag === undefined) await this.container.items.create(body);
      else await this.container.item(COUNTS_ID, counts.partnerId).replace(body, { accessCondition: { type: 'IfMatch', condition: ifMatchEtag } });
      return undefined;
    } catch (err) {
      const status = cosmosStatus(err);
      if (status === 409 || status === 412 || status === 404) return 'Conflict';
      throw err;
    }
  }

  async markChecked(partnerId: string, at: string): Promise<void> {
    await this.container.item(COUNTS_ID, partnerId).patch([{ op: 'set', path: '/checkedDateTime', value: at }]);
  }
}
