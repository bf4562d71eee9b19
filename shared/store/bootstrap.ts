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
      indexingPolicy: definition.indexingPolicy,
      ...(defaultTtl === null ? {} : { defaultTtl }),
    });
  }
}
