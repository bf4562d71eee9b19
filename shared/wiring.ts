/**
 * The composition root: builds every use case from configuration, each with only the ports, the
 * clock and the settings it takes. Every host (the Azure entry point, the local runner), test,
 * script and benchmark calls this one function; tests pass overrides instead of changing the
 * result.
 */

import { ActivityService } from './activity/activity-service.js';
import type { ActivityRepository } from './activity/ports.js';
import type { Config } from './config.js';
import { CustomerCountService } from './customers/customer-counts.js';
import { CustomerService } from './customers/customer-service.js';
import type { CustomerCountRepository, CustomerRepository } from './customers/ports.js';
import { RenameReconciler } from './customers/rename-reconcile.js';
import { ExportService } from './exports/export-service.js';
import { FairUse } from './exports/fair-use.js';
import type { ExportFileStore, ExportQueue, ExportRepository } from './exports/ports.js';
import { ScheduleService } from './exports/schedules.js';
import { Authorizer } from './http/auth.js';
import { ServiceLinks } from './http/paging.js';
import { PlatformGate } from './http/platform.js';
import { FaultInjector } from './kernel/faults.js';
import type { Clock } from './kernel/time.js';
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
import type { SubscriptionRepository } from './subscriptions/ports.js';
import { SubscriptionService } from './subscriptions/subscription-service.js';
import type { TenantRepository } from './tenants/ports.js';
import { TenantService } from './tenants/scope.js';

/** Every port of the service: the stores, the export files and the export queue. */
export interface Ports {
  tenants: TenantRepository;
  customers: CustomerRepository;
  customerCounts: CustomerCountRepository;
  subscriptions: SubscriptionRepository;
  activity: ActivityRepository;
  exportJobs: ExportRepository;
  exportFiles: ExportFileStore;
  exportQueue: ExportQueue;
}

/** What the functions call: one service per module. */
export interface Services {
  auth: Authorizer;
  /** Fails closed where App Service runs the app without its authentication. */
  platform: PlatformGate;
  tenants: TenantService;
  customers: CustomerService;
  /** `count=true` and the check of the maintained customer counts. */
  customerCounts: CustomerCountService;
  renames: RenameReconciler;
  subscriptions: SubscriptionService;
  activity: ActivityService;
  exports: ExportService;
  schedules: ScheduleService;
  /** Links to the service's own paths (PUBLIC_BASE_URL, never the Host header). */
  links: ServiceLinks;
  /** Resolves when the store answers; throws otherwise. */
  checkHealth(): Promise<void>;
}

/** What a test or a benchmark replaces; everything else is built from configuration. */
export interface ServiceOverrides {
  clock?: Clock;
  faults?: FaultInjector;
  /** Ports to use instead of the real ones, given the real ones (to wrap or replace them). */
  ports?: (real: Ports) => Partial<Ports>;
}

export interface WiredService {
  config: Config;
  services: Services;
  ports: Ports;
  store: CosmosContainers;
  exportFiles: BlobExportFileStore;
  exportQueue: StorageExportQueue;
}

export function createService(config: Config, overrides: ServiceOverrides = {}): WiredService {
  const store = openContainers(config);
  const exportFiles = new BlobExportFileStore(config);
  const exportQueue = new StorageExportQueue(config);
  const real: Ports = {
    tenants: new CosmosTenantRepository(store.tenants),
    customers: new CosmosCustomerRepository(store.customers),
    customerCounts: new CosmosCustomerCountRepository(store.counters),
    subscriptions: new CosmosSubscriptionRepository(store.subscriptions),
    activity: new CosmosActivityRepository(store.activity),
    exportJobs: new CosmosExportRepository(store.exports),
    exportFiles,
    exportQueue,
  };
  const ports: Ports = { ...real, ...overrides.ports?.(real) };
  const clock = overrides.clock ?? (() => new Date());
  const faults = overrides.faults ?? new FaultInjector();

  const tenants = new TenantService(ports);
  const fairUse = new FairUse({ exportJobs: ports.exportJobs, clock }, { ...config.fairUse, sliceSeconds: config.exports.sliceSeconds });
  const exports = new ExportService({ ...ports, clock, faults, fairUse }, config.exports);
  const services: Services = {
    auth: new Authorizer(tenants, config.localDevPrincipal),
    platform: new PlatformGate(config.platform),
    tenants,
    customers: new CustomerService({ ...ports, clock, faults }, { serviceLinks: config.serviceLinks }),
    customerCounts: new CustomerCountService({ ...ports, clock }),
    renames: new RenameReconciler({ ...ports, clock }),
    subscriptions: new SubscriptionService(ports),
    activity: new ActivityService({ ...ports, clock }),
    exports,
    schedules: new ScheduleService({ ...ports, clock, exports, fairUse }),
    links: new ServiceLinks(config.publicBaseUrl),
    async checkHealth() {
      await store.database.read();
    },
  };
  return { config, services, ports, store, exportFiles, exportQueue };
}

/**
 * Creates what Bicep creates in Azure: the database, containers, blob container and queues.
 * Local stack only.
 */
export async function prepareLocalResources(service: WiredService): Promise<void> {
  await bootstrapStore(service.config, service.store);
  await service.exportFiles.ensureContainer();
  await service.exportQueue.ensureQueues();
}
