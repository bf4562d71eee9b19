/**
 * Builds the service context from configuration: Cosmos DB repositories, Blob and Queue storage.
 * Every host (Azure, the local runner, tests, benchmarks) calls this one function.
 */
import type { Config } from './config.js';
import type { ServiceContext } from './context.js';
import { FaultInjector } from './kernel/faults.js';
import { BlobExportFileStore } from './storage/export-files.js';
import { StorageExportQueue } from './storage/export-queue.js';
import { CosmosActivityRepository } from './store/activity-store.js';
import { bootstrapStore } from './store/bootstrap.js';
import { type CosmosContainers, openContainers } from './store/cosmos.js';
import { CosmosCustomerCountRepository } from './store/counters-store.js';
import { CosmosCustomerRepository } from './store/customers-store.js';
import { CosmosExportRepository } from './store/exports-store.js';
import { CosmosSubscriptionRepository } from './store/subscriptions-store.js';
import { CosmosTenantRepository } from './store/tenants-store.js';

export interface WiredService {
  ctx: ServiceContext;
  store: CosmosContainers;
  exportFiles: BlobExportFileStore;
  exportQueue: StorageExportQueue;
}

export function createService(config: Config): WiredService {
  const store = openContainers(config);
  const exportFiles = new BlobExportFileStore(config);
  const exportQueue = new StorageExportQueue(config);
  const ctx: ServiceContext = {
    config,
    tenants: new CosmosTenantRepository(store.tenants),
    customers: new CosmosCustomerRepository(store.customers),
    customerCounts: new CosmosCustomerCountRepository(store.counters),
    subscriptions: new CosmosSubscriptionRepository(store.subscriptions),
    activity: new CosmosActivityRepository(store.activity),
    exportJobs: new CosmosExportRepository(store.exports),
    exportFiles,
    exportQueue,
    async checkHealth() {
      await store.database.read();
    },
    now: () => new Date(),
    faults: new FaultInjector(),
  };
  return { ctx, store, exportFiles, exportQueue };
}

/**
 * Creates what Bicep creates in Azure: the database, containers, blob container and queues.
 * Local stack only.
 */
export async function prepareLocalResources(service: WiredService): Promise<void> {
  await bootstrapStore(service.ctx.config, service.store);
  await service.exportFiles.ensureContainer();
  await service.exportQueue.ensureQueues();
}
