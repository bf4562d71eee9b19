/**
 * Where an export's rows come from: the very queries the API pages through, in the same order,
 * turned into CSV cells, read as one stream per slice (one store query, however many pages). Each
 * page ends at a keyset cursor, which is what an export checkpoints and resumes from.
 */
import type { ActivityRepository } from '../activity/ports.js';
import { customerFilter } from '../customers/customer-service.js';
import type { CustomerRepository } from '../customers/ports.js';
import type { Cursor, PageStream } from '../kernel/page.js';
import type { SubscriptionRepository } from '../subscriptions/ports.js';
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

function exportScope(job: Pick<ExportJob, 'partnerId' | 'scopeResellerId' | 'scopeTenantId' | 'requestedBy'>): Scope {
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
  switch (job.type) {
    case 'customers': {
      const customers = customerFilter(scope, job.filter.search, job.filter.resellerId);
      if (!customers) return noRows;
      return (after, pageSize) =>
        mapRows(ports.customers.streamCustomers(customers, pageSize, after), (row) => [row.id, row.companyName, row.domain, row.relationship]);
    }
    case 'subscriptions': {
      const subscriptions = subscriptionFilter(scope, job.filter.customerId);
      return (after, pageSize) =>
        mapRows(ports.subscriptions.streamSubscriptions(subscriptions, pageSize, after), (row) => [
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
        from: job.filter.from,
        to: job.filter.to,
        ...(job.filter.customerId ? { customerId: job.filter.customerId } : {}),
      };
      return (after, pageSize) =>
        mapRows(ports.activity.streamActivity(activity, pageSize, after), (row) => [
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
