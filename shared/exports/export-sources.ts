/**
 * Where an export's rows come from: the very queries the API pages through, in the same order,
 * turned into cells, read as one stream per slice (one store query, however many pages). Each
 * page ends at a keyset cursor, which is what an export checkpoints and resumes from.
 * A CSV cell is text or a number; a workbook cell may also be a date (the local wall-clock time).
 */
import type { ActivityRepository } from '../activity/ports.js';
import { customerFilter } from '../customers/customer-service.js';
import type { CustomerRepository } from '../customers/ports.js';
import type { Cursor, PageStream } from '../kernel/page.js';
import type { SubscriptionRepository } from '../subscriptions/ports.js';
import { subscriptionFilter } from '../subscriptions/subscription-service.js';
import type { TenantRepository } from '../tenants/ports.js';
import type { Scope } from '../tenants/scope.js';
import type { CsvCell } from './csv.js';
import type { ExportFormat, ExportJob } from './export-job.js';
import { detailsAsText, localDateTimeFormatter, operationInWords, wallClock } from './export-text.js';

/** A workbook cell: text, a number, or a date shown as the local time it holds in its UTC fields. */
export type ExportCell = CsvCell | Date;

/** Every row after a cursor, in pages of up to `pageSize`. */
export type ExportSource<Cell = ExportCell> = (after: Cursor | undefined, pageSize: number) => PageStream<Cell[]>;

/** A reseller asking for another reseller's customers: nothing can match. */
async function* noRows(): PageStream<ExportCell[]> {
  yield* [];
}

/** The same stream with each row mapped. */
async function* mapRows<T, Cell>(pages: PageStream<T>, toCells: (row: T) => Cell[]): PageStream<Cell[]> {
  for await (const page of pages) yield { rows: page.rows.map(toCells), cursor: page.cursor };
}

function exportScope(job: Pick<ExportJob, 'partnerId' | 'scopeResellerId' | 'scopeTenantId' | 'requestedBy'>): Scope {
  return { partnerId: job.partnerId, resellerId: job.scopeResellerId, tenantId: job.scopeTenantId, userName: job.requestedBy };
}

/** The stores export rows are read from (and the resellers' names, for the reseller columns). */
export interface ExportSourcePorts {
  customers: CustomerRepository;
  subscriptions: SubscriptionRepository;
  activity: ActivityRepository;
  tenants: TenantRepository;
}

function activityQuery(job: ExportJob & { type: 'activity' }) {
  const { filter } = job;
  return {
    partnerId: job.partnerId,
    ...(job.scopeResellerId ? { resellerId: job.scopeResellerId } : {}),
    from: filter.from,
    to: filter.to,
    ...(filter.customerId ? { customerId: filter.customerId } : {}),
  };
}

/** How many rows the export will hold: one COUNT of the same query, asked once as its work starts. */
export async function countExportRows(ports: ExportSourcePorts, job: ExportJob): Promise<number> {
  const scope = exportScope(job);
  switch (job.type) {
    case 'customers': {
      const customers = customerFilter(scope, job.filter.search, job.filter.resellerId);
      return customers ? ports.customers.countCustomers(customers) : 0;
    }
    case 'subscriptions':
      return ports.subscriptions.countSubscriptions(subscriptionFilter(scope, job.filter.customerId));
    case 'activity':
      return ports.activity.countActivity(activityQuery(job));
  }
}

export function exportSource(ports: ExportSourcePorts, job: ExportJob, format: 'csv'): ExportSource<CsvCell>;
export function exportSource(ports: ExportSourcePorts, job: ExportJob, format: ExportFormat): ExportSource<ExportCell>;
export function exportSource(ports: ExportSourcePorts, job: ExportJob, format: ExportFormat): ExportSource<ExportCell> {
  const scope = exportScope(job);
  switch (job.type) {
    case 'customers': {
      const filter = job.filter;
      const customers = customerFilter(scope, filter.search, filter.resellerId);
      if (!customers) return noRows;
      if (!filter.includeReseller) {
        return (after, pageSize) =>
          mapRows(ports.customers.streamCustomers(customers, pageSize, after), (row) => [row.id, row.companyName, row.domain, row.relationship]);
      }
      // A partner has hundreds of resellers at most: their names are read once per slice.
      return async function* (after, pageSize) {
        const resellers = await ports.tenants.listResellers(job.partnerId);
        const names = new Map(resellers.map((reseller) => [reseller.id, reseller.name]));
        yield* mapRows(ports.customers.streamCustomers(customers, pageSize, after), (row) => [
          row.id,
          row.companyName,
          row.domain,
          row.relationship,
          row.resellerId ?? '',
          row.resellerId ? (names.get(row.resellerId) ?? '') : '',
        ]);
      };
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
      const toLocal = localDateTimeFormatter(job.filter.timeZone ?? 'UTC');
      const dateCell = (dateTime: string): ExportCell => {
        if (format === 'xlsx') return wallClock(new Date(dateTime), toLocal);
        const { date, time } = toLocal(new Date(dateTime));
        return `${date} ${time}`;
      };
      return (after, pageSize) =>
        mapRows(ports.activity.streamActivity(activityQuery(job), pageSize, after), (row) => [
          dateCell(row.dateTime),
          operationInWords(row.operation),
          row.customerId,
          row.customerName,
          row.user,
          row.status,
          detailsAsText(row.details),
        ]);
    }
  }
}
