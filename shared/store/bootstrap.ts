/**
 * Creates the database and containers from infra/cosmos-containers.json, the same file Bicep loads,
 * so the local store and Azure share one indexing policy. In Azure, Bicep creates them and the app
 * never needs control-plane rights; this runs only against the local endpoint.
 */
import type { IndexingPolicy } from '@azure/cosmos';
import containerFile from '../../infra/cosmos-containers.json' with { type: 'json' };
import type { Config } from '../config.js';
import type { CosmosContainers } from './cosmos.js';

interface ContainerDefinitionFile {
  databaseName: string;
  containers: Array<{
    name: string;
    partitionKeyPath: string;
    defaultTtl: number | null;
    indexingPolicy: IndexingPolicy;
  }>;
}

export const containerDefinitions = containerFile as ContainerDefinitionFile;

export async function bootstrapStore(config: Config, store: CosmosContainers): Promise<void> {
  await store.client.databases.createIfNotExists({ id: config.cosmos.databaseName });
  for (const definition of containerDefinitions.containers) {
    const defaultTtl = definition.name === 'activity' ? config.activityRetentionDays * 86_400 : definition.defaultTtl;
    await store.database.containers.createIfNotExists({
      id: definition.name,
      partitionKey: { paths: [definition.partitionKeyPath] },
      indexingPolicy: withReversedComposites(definition.indexingPolicy),
      ...(defaultTtl === null ? {} : { defaultTtl }),
    });
  }
}

/**
 * The policy as the local endpoint needs it. Cosmos DB serves an ORDER BY from a composite index
 * read in its own order or with every path reversed ("the composite index also supports an ORDER
 * BY clause with the opposite order on all paths",
 * https://learn.microsoft.com/azure/cosmos-db/index-policy#composite-indexes), so the policy holds
 * each composite once; the local endpoint only accepts an exact match, so locally each composite
 * gets its reversed twin. Nothing else changes.
 */
export function withReversedComposites(policy: IndexingPolicy): IndexingPolicy {
  const composites = policy.compositeIndexes ?? [];
  if (composites.length === 0) return policy;
  const key = (composite: (typeof composites)[number]) => composite.map((path) => `${path.path} ${path.order}`).join(',');
  const known = new Set(composites.map(key));
  const reversed = composites
    .map((composite) => composite.map((path) => ({ ...path, order: path.order === 'descending' ? 'ascending' : 'descending' }) as typeof path))
    .filter((composite) => !known.has(key(composite)));
  return { ...policy, compositeIndexes: [...composites, ...reversed] };
}
