/**
 * The Cosmos DB client and containers. The only module that builds a CosmosClient: with the
 * emulator key against the local endpoint, with DefaultAzureCredential (managed identity) in Azure.
 */
import https from 'node:https';
import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import type { Config } from '../config.js';
import { azureCredential } from '../storage/credential.js';

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

export function createCosmosClient(config: Config): CosmosClient {
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

/**
 * A keyset page from a query that asked for one row more than `top`: the extra row only tells that
 * more follow, so the last page never comes back empty.
 */
export function keysetPage<T>(resources: T[], top: number, cursorOf: (row: T) => Array<string | number>): { rows: T[]; next?: Array<string | number> } {
  if (resources.length <= top) return { rows: resources };
  const rows = resources.slice(0, top);
  return { rows, next: cursorOf(rows[top - 1] as T) };
}
