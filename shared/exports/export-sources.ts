/**
 * Where an export's rows come from: the very queries the API pages through, in the same order,
 * turned into CSV cells. Each page ends at a keyset cursor, which is what an export checkpoints.
 */
import type { ActivityRepository } from '../activity/ports.js';
import { customerFilter } from '../customers/customer-service.js';
import type { CustomerRepository } from '../customers/ports.js';
import type { Cursor, Page } from '../kernel/page.js';
import type { SubscriptionRepository } from '../subscriptions/ports.js';
import { subscriptionFilter } from '../subscriptions/subscription-service.js';
import type { Scope } from '../tenants/scope.js';
import type { CsvCell } from './csv.js';
import type { ExportJob } from './export-job.js';

/** A source of CSV rows in pages of up to `pageSize`, after a cursor. */
export type ExportSource = (after: Cursor | undefined, pageSize: number) => Promise<Page<CsvCell[]>>;

export function exportScope(job: Pick<ExportJob, 'partnerId' | 'scopeResellerId' | 'scopeTenantId' | 'requestedBy'>): Scope {
  return { partnerId: job.partnerId, resellerId: job.scopeResellerId, tenantId: job.scopeTenantId, userName: job.requestedBy };
}

/** The stores export rows are read from. */
export interface ExportSourcePorts {
  customers: CustomerRepository;
  subscriptions: SubscriptionRepository;
  activity: ActivityRepository;
}

export function exportSource(ports: ExportSourcePorts, job: ExportJob): ExportSource {
  const scope = exportScope(job);
  const filter = job.filter;
  switch (job.type) {
    case 'customers': {
      const customers = customerFilter(scope, filter.search, filter.resellerId);
      return async (after, pageSize) => {
        if (!customers) return { rows: [] };
        const page = await ports.customers.searchCustomers(customers, pageSize, after);
        return { ...page, rows: page.rows.map((row) => [row.id, row.companyName, row.domain, row.relationship]) };
      };
    }
    case 'subscriptions': {
      const subscriptions = subscriptionFilter(scope, filter.customerId ?? '');
      return async (after, pageSize) => {
        const page = await ports.subscriptions.listSubscriptions(subscriptions, pageSize, after);
        return { ...page, rows: page.rows.map((row) => [row.id, row.offerName, row.quantity, row.status, row.resellerId ?? '']) };
      };
    }
    case 'activity':
      return async (after, pageSize) => {
        const page = await ports.activity.listActivity(
          {
            partnerId: scope.partnerId,
            ...(scope.resellerId ? { resellerId: scope.resellerId } : {}),
            from: filter.from ?? '',
            to: filter.to ?? '',
            ...(filter.customerId ? { customerId: filter.customerId } : {}),
          },
          pageSize,
          after,
        );
        return {
          ...page,
          rows: page.rows.map((row) => [row.dateTime, row.operation, row.customerId, row.customerName, row.user, row.status, JSON.stringify(row.details)]),
        };
      };
  }
}
