/**
 * Where an export's rows come from: the very queries the API pages through, in the same order,
 * turned into CSV cells, read as one stream per slice (one store query, however many pages). Each
 * page ends at a keyset cursor, which is what an export checkpoints and resumes from.
 */
import type { ServiceContext } from '../context.js';
import { customerFilter } from '../customers/customer-service.js';
import type { Cursor, PageStream } from '../kernel/page.js';
import { subscriptionFilter } from '../subscriptions/subscription-service.js';
import type { Scope } from '../tenants/scope.js';
import type { CsvCell } from './csv.js';
import type { ExportJob } from './export-job.js';

/** Every CSV row after a cursor, in pages of up to `pageSize`. */
export type ExportSource = (after: Cursor | undefined, pageSize: number) => PageStream<CsvCell[]>;

/** A reseller asking for another reseller's customers: nothing can match. */
async function* noRows(): PageStream<CsvCell[]> {
  yield* [];
}

/** The same stream with each row mapped. */
async function* mapRows<T>(pages: PageStream<T>, toCells: (row: T) => CsvCell[]): PageStream<CsvCell[]> {
  for await (const page of pages) yield { rows: page.rows.map(toCells), cursor: page.cursor };
}

export function exportScope(job: Pick<ExportJob, 'partnerId' | 'scopeResellerId' | 'scopeTenantId' | 'requestedBy'>): Scope {
  return { partnerId: job.partnerId, resellerId: job.scopeResellerId, tenantId: job.scopeTenantId, userName: job.requestedBy };
}

export function exportSource(ctx: ServiceContext, job: ExportJob): ExportSource {
  const scope = exportScope(job);
  const filter = job.filter;
  switch (job.type) {
    case 'customers': {
      const customers = customerFilter(scope, filter.search, filter.resellerId);
      if (!customers) return noRows;
      return (after, pageSize) =>
        mapRows(ctx.customers.streamCustomers(customers, pageSize, after), (row) => [row.id, row.companyName, row.domain, row.relationship]);
    }
    case 'subscriptions': {
      const subscriptions = subscriptionFilter(scope, filter.customerId ?? '');
      return (after, pageSize) =>
        mapRows(ctx.subscriptions.streamSubscriptions(subscriptions, pageSize, after), (row) => [
          row.id,
          row.offerName,
          row.quantity,
          row.status,
          row.resellerId ?? '',
        ]);
    }
    case 'activity': {
      const activity = {
        partnerId: scope.partnerId,
        ...(scope.resellerId ? { resellerId: scope.resellerId } : {}),
        from: filter.from ?? '',
        to: filter.to ?? '',
        ...(filter.customerId ? { customerId: filter.customerId } : {}),
      };
      return (after, pageSize) =>
        mapRows(ctx.activity.streamActivity(activity, pageSize, after), (row) => [
          row.dateTime,
          row.operation,
          row.customerId,
          row.customerName,
          row.user,
          row.status,
          JSON.stringify(row.details),
        ]);
    }
  }
}
