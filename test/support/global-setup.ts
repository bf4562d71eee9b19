/**
 * Starts the real local servers once for the whole run: the Cosmos DB endpoint
 * (@vercel/cosmosdb-server, HTTPS) and Azurite (blob, queue), on free loopback ports. Each test
 * file then gets its own database, blob container and queues (test/support/service.ts).
 */
import type { TestProject } from 'vitest/node';
import { startAzurite, startCosmosEndpoint } from '../../shared/host/local-stack.js';
import { clearQueryLog } from './query-log.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { cosmos: number; blob: number; queue: number };
  }
}

export default async function setup(project: TestProject) {
  clearQueryLog();
  const cosmos = await startCosmosEndpoint(0);
  const azurite = await startAzurite();
  project.provide('stack', { cosmos: cosmos.port, blob: azurite.blobPort, queue: azurite.queuePort });
  return async () => {
    await azurite.close();
    await cosmos.close();
  };
}
