/**
 * The dependencies every handler gets: one small object, wired once per host (the Azure entry
 * point, the local runner, tests and benchmarks all build it the same way).
 */
import type { ActivityRepository } from './activity/ports.js';
import type { Config } from './config.js';
import type { CustomerCountRepository, CustomerRepository } from './customers/ports.js';
import type { ExportFileStore, ExportQueue, ExportRepository } from './exports/ports.js';
import type { FaultInjector } from './kernel/faults.js';
import type { SubscriptionRepository } from './subscriptions/ports.js';
import type { TenantRepository } from './tenants/ports.js';

export interface ServiceContext {
  config: Config;
  tenants: TenantRepository;
  customers: CustomerRepository;
  /** Maintained customer counts, per partner and per indirect reseller. */
  customerCounts: CustomerCountRepository;
  subscriptions: SubscriptionRepository;
  activity: ActivityRepository;
  exportJobs: ExportRepository;
  exportFiles: ExportFileStore;
  exportQueue: ExportQueue;
  /** Resolves when the store answers; throws otherwise. */
  checkHealth(): Promise<void>;
  now(): Date;
  faults: FaultInjector;
}
