/**
 * Where an export's rows come from: the very queries the API pages through, in the same order,
 * turned into cells. Each page ends at a keyset cursor, which is what an export checkpoints.
 * A CSV cell is text or a number; a workbook cell may also be a date (the local wall-clock time).
 */
import type { ServiceContext } from '../context.js';
import type { Page } from '../customers/ports.js';
import { customerFilter } from '../customers/customer-service.js';
import type { Cursor } from '../http/paging.js';
import { subscriptionFilter } from '../subscriptions/subscription-service.js';
import type { Scope } from '../tenants/tenant.js';
import type { CsvCell } from './csv.js';
import type { ExportFormat, ExportJob } from './export-job.js';
import { detailsAsText, localDateTimeFormatter, operationInWords, wallClock } from './export-text.js';

/** A workbook cell: text, a number, or a date shown as the local time it holds in its UTC fields. */
export type ExportCell = CsvCell | Date;

/** A source of rows in pages of up to `pageSize`, after a cursor. */
export type ExportSource<Cell = ExportCell> = (after: Cursor | undefined, pageSize: number) => Promise<Page<Cell[]>>;

export function exportScope(job: Pick<ExportJob, 'partnerId' | 'scopeResellerId' | 'scopeTenantId' | 'requestedBy'>): Scope {
  return { partnerId: job.partnerId, resellerId: job.scopeResellerId, tenantId: job.scopeTenantId, userName: job.requestedBy, canWrite: false };
}

function activityQuery(job: ExportJob) {
  const { filter } = job;
  return {
    partnerId: job.partnerId,
    ...(job.scopeResellerId ? { resellerId: job.scopeResellerId } : {}),
    from: filter.from ?? '',
    to: filter.to ?? '',
    ...(filter.customerId ? { customerId: filter.customerId } : {}),
  };
}

/** How many rows the export will hold: one COUNT of the same query, asked once as its work starts. */
export async function countExportRows(ctx: ServiceContext, job: ExportJob): Promise<number> {
  const scope = exportScope(job);
  switch (job.type) {
    case 'customers': {
      const customers = customerFilter(scope, job.filter.search, job.filter.resellerId);
      return customers ? ctx.customers.countCustomers(customers) : 0;
    }
    case 'subscriptions':
      return ctx.subscriptions.countSubscriptions(subscriptionFilter(scope, job.filter.customerId ?? ''));
    case 'activity':
      return ctx.activity.countActivity(activityQuery(job));
  }
}

export function exportSource(ctx: ServiceContext, job: ExportJob, format: 'csv'): ExportSource<CsvCell>;
export function exportSource(ctx: ServiceContext, job: ExportJob, format: ExportFormat): ExportSource<ExportCell>;
export function exportSource(ctx: ServiceContext, job: ExportJob, format: ExportFormat): ExportSource<ExportCell> {
  const scope = exportScope(job);
  const filter = job.filter;
  switch (job.type) {
    case 'customers': {
      const customers = customerFilter(scope, filter.search, filter.resellerId);
      // A partner has hundreds of resellers at most: their names are read once per slice.
      let resellerNames: Promise<Map<string, string>> | undefined;
      return async (after, pageSize) => {
        if (!customers) return { rows: [] };
        const page = await ctx.customers.searchCustomers(customers, pageSize, after);
        if (!filter.includeReseller) return { ...page, rows: page.rows.map((row) => [row.id, row.companyName, row.domain, row.relationship]) };
        resellerNames ??= ctx.tenants.listResellers(job.partnerId).then((resellers) => new Map(resellers.map((reseller) => [reseller.id, reseller.name])));
        const names = await resellerNames;
        return {
          ...page,
          rows: page.rows.map((row) => [
            row.id,
            row.companyName,
            row.domain,
            row.relationship,
            row.resellerId ?? '',
            row.resellerId ? (names.get(row.resellerId) ?? '') : '',
          ]),
        };
      };
    }
    case 'subscriptions': {
      const subscriptions = subscriptionFilter(scope, filter.customerId ?? '');
      return async (after, pageSize) => {
        const page = await ctx.subscriptions.listSubscriptions(subscriptions, pageSize, after);
        return { ...page, rows: page.rows.map((row) => [row.id, row.offerName, row.quantity, row.status, row.resellerId ?? '']) };
      };
    }
    case 'activity': {
      const toLocal = localDateTimeFormatter(filter.timeZone ?? 'UTC');
      const dateCell = (dateTime: string): ExportCell => {
        if (format === 'xlsx') return wallClock(new Date(dateTime), toLocal);
        const { date, time } = toLocal(new Date(dateTime));
        return `${date} ${time}`;
      };
      return async (after, pageSize) => {
        const page = await ctx.activity.listActivity(activityQuery(job), pageSize, after);
        return {
          ...page,
          rows: page.rows.map((row) => [
            dateCell(row.dateTime),
            operationInWords(row.operation),
            row.customerId,
            row.customerName,
            row.user,
            row.status,
            detailsAsText(row.details),
          ]),
        };
      };
    }
  }
}
