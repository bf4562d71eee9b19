/**
 * The dependencies every handler gets: one small object, wired once per host (the Azure entry
 * point, the local runner, tests and benchmarks all build it the same way).
 */
import type { CustomerPageJson } from './customers/customer-json.js';
import type { ActivityRepository } from './activity/activity.js';
import type { Config } from './config.js';
import type { CustomerCountRepository, CustomerRepository } from './customers/ports.js';
import type { ExportFileStore, ExportQueue, ExportRepository } from './exports/ports.js';
import type { FaultInjector } from './faults.js';
import type { SubscriptionRepository } from './subscriptions/subscription.js';
import type { TenantRepository } from './tenants/tenant.js';

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
  /** Search pages as JSON, with rows remembered across requests. */
  searchPages: CustomerPageJson;
  /** Resolves when the store answers; throws otherwise. */
  checkHealth(): Promise<void>;
  now(): Date;
  faults: FaultInjector;
}
