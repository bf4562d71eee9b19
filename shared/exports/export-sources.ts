/**
 * Where an export's rows come from: the very queries the API pages through, in the same order,
 * turned into CSV cells. Each page ends at a keyset cursor, which is what an export checkpoints.
 */
import type { ServiceContext } from '../context.js';
import { customerFilter } from '../customers/customer-service.js';
import type { Cursor, Page } from '../kernel/page.js';
import { subscriptionFilter } from '../subscriptions/subscription-service.js';
import type { Scope } from '../tenants/scope.js';
import type { CsvCell } from './csv.js';
import type { ExportJob } from './export-job.js';

/** A source of CSV rows in pages of up to `pageSize`, after a cursor. */
export type ExportSource = (after: Cursor | undefined, pageSize: number) => Promise<Page<CsvCell[]>>;

export function exportScope(job: Pick<ExportJob, 'partnerId' | 'scopeResellerId' | 'scopeTenantId' | 'requestedBy'>): Scope {
  return { partnerId: job.partnerId, resellerId: job.scopeResellerId, tenantId: job.scopeTenantId, userName: job.requestedBy };
}

export function exportSource(ctx: ServiceContext, job: ExportJob): ExportSource {
  const scope = exportScope(job);
  const filter = job.filter;
  switch (job.type) {
    case 'customers': {
      const customers = customerFilter(scope, filter.search, filter.resellerId);
      return async (after, pageSize) => {
        if (!customers) return { rows: [] };
        const page = await ctx.customers.searchCustomers(customers, pageSize, after);
        return { ...page, rows: page.rows.map((row) => [row.id, row.companyName, row.domain, row.relationship]) };
      };
    }
    case 'subscriptions': {
      const subscriptions = subscriptionFilter(scope, filter.customerId ?? '');
      return async (after, pageSize) => {
        const page = await ctx.subscriptions.listSubscriptions(subscriptions, pageSize, after);
        return { ...page, rows: page.rows.map((row) => [row.id, row.offerName, row.quantity, row.status, row.resellerId ?? '']) };
      };
    }
    case 'activity':
      return async (after, pageSize) => {
        const page = await ctx.activity.listActivity(
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
