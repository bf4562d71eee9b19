/**
 * The Cosmos DB client and containers. The only module that builds a CosmosClient: with the
 * emulator key against the local endpoint, with DefaultAzureCredential (managed identity) in Azure.
 */
import https from 'node:https';
import { type Container, CosmosClient, type Database, type SqlParameter, type SqlQuerySpec } from '@azure/cosmos';
import type { Config } from '../config.js';
import { azureCredential } from '../credential.js';
import type { Cursor, Page, PageStream } from '../kernel/page.js';

export interface CosmosContainers {
  client: CosmosClient;
  database: Database;
  tenants: Container;
  customers: Container;
  subscriptions: Container;
  activity: Container;
  exports: Container;
  counters: Container;
}

function createCosmosClient(config: Config): CosmosClient {
  const { endpoint, key, allowSelfSigned } = config.cosmos;
  return new CosmosClient({
    endpoint,
    ...(key ? { key } : { aadCredentials: azureCredential(config) }),
    ...(allowSelfSigned ? { agent: new https.Agent({ rejectUnauthorized: false, keepAlive: true }) } : {}),
    connectionPolicy: { enableEndpointDiscovery: !allowSelfSigned },
  });
}

export function openContainers(config: Config, client = createCosmosClient(config)): CosmosContainers {
  const database = client.database(config.cosmos.databaseName);
  return {
    client,
    database,
    tenants: database.container('tenants'),
    customers: database.container('customers'),
    subscriptions: database.container('subscriptions'),
    activity: database.container('activity'),
    exports: database.container('exports'),
    counters: database.container('counters'),
  };
}

/** Cosmos errors carry an HTTP status in `code`. */
export function cosmosStatus(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

/** Cosmos system properties that never leave the store module. */
export interface CosmosSystemProperties {
  _etag?: string;
  _ts?: number;
  _rid?: string;
  _self?: string;
  _attachments?: string;
}

/** A single-partition query over rows ordered by two fields, read a page at a time or as a stream. */
export interface KeysetQuery {
  partitionKey: string;
  /** The projection: `*` or `c.a, c.b`; it must include both keyset fields. */
  select: string;
  where: string[];
  parameters: SqlParameter[];
  /**
   * Fields the WHERE fixes to one value, which lead the ORDER BY (ascending) so that a composite
   * index serves the filters and the order together; the order of rows is the same.
   */
  leadingOrder?: string[];
  /** The two fields rows are ordered by (a sort key or a date, then the id): a page's cursor. */
  keyset: [string, string];
  descending?: boolean;
  /**
   * Read the whole order backwards: every ORDER BY field, the leading ones too, flips direction, so
   * the composite index that serves the order is read fully reversed (as Cosmos DB allows).
   */
  reverse?: boolean;
}

function keysetSpec(query: KeysetQuery, after: Cursor | undefined, top?: number): SqlQuerySpec {
  const [first, second] = query.keyset;
  const descending = Boolean(query.descending) !== Boolean(query.reverse);
  const direction = descending ? 'DESC' : 'ASC';
  const beyond = descending ? '<' : '>';
  const where = [...query.where];
  const parameters = [...query.parameters];
  if (after) {
    where.push(`(c.${first} ${beyond} @afterFirst OR (c.${first} = @afterFirst AND c.${second} ${beyond} @afterSecond))`);
    parameters.push({ name: '@afterFirst', value: after[0] }, { name: '@afterSecond', value: after[1] });
  }
  const leading = query.reverse ? 'DESC' : 'ASC';
  const order = [...(query.leadingOrder ?? []).map((field) => `c.${field} ${leading}`), `c.${first} ${direction}`, `c.${second} ${direction}`];
  const text = `SELECT ${top ? `TOP ${top} ` : ''}${query.select} FROM c WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')}`;
  return { query: text, parameters };
}

function cursorOf(query: KeysetQuery, row: object): Cursor {
  const fields = row as Record<string, unknown>;
  return [String(fields[query.keyset[0]]), String(fields[query.keyset[1]])];
}

/**
 * Up to `top` rows after `after`. The query asks for one row more than `top`: the extra row only
 * tells that more follow, so the last page never comes back empty.
 */
export async function queryKeysetPage<T extends object>(container: Container, query: KeysetQuery, top: number, after?: Cursor): Promise<Page<T>> {
  const { resources } = await container.items
    .query<T>(keysetSpec(query, after, top + 1), { partitionKey: query.partitionKey, maxItemCount: top + 1 })
    .fetchAll();
  if (resources.length <= top) return { rows: resources };
  const rows = resources.slice(0, top);
  return { rows, next: cursorOf(query, rows[top - 1] as T) };
}

/** How many rows the query's filters match: one COUNT, answered from the index in the partition. */
export async function queryCount(container: Container, query: KeysetQuery): Promise<number> {
  const { resources } = await container.items
    .query<number>(
      { query: `SELECT VALUE COUNT(1) FROM c WHERE ${query.where.join(' AND ')}`, parameters: query.parameters },
      { partitionKey: query.partitionKey },
    )
    .fetchAll();
  return resources.reduce((sum, count) => sum + count, 0);
}

/**
 * All rows after `after`, read with one iterator: the SDK asks for the query plan once, then makes
 * one request per page of up to `pageSize` rows (it may answer fewer). A page-at-a-time query with
 * TOP would pay a plan and a query for every page.
 */
export async function* queryKeysetStream<T extends object>(container: Container, query: KeysetQuery, pageSize: number, after?: Cursor): PageStream<T> {
  const iterator = container.items.query<T>(keysetSpec(query, after), { partitionKey: query.partitionKey, maxItemCount: pageSize });
  while (iterator.hasMoreResults()) {
    const { resources } = await iterator.fetchNext();
    if (resources.length > 0) yield { rows: resources, cursor: cursorOf(query, resources[resources.length - 1] as T) };
  }
}
