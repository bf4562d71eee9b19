/**
 * Where an export's rows come from: the very queries the API pages through, in the same order,
 * turned into CSV cells. Each page ends at a keyset cursor, which is what an export checkpoints.
 *
 * A customers export is the list as it was when the export was asked for (its createdDateTime, T),
 * however long it runs. Paging by name alone would not be: a customer renamed while the export runs
 * moves in the order, and is written twice (moved ahead of the cursor) or never (moved behind it).
 * So each page, read in the current order, is merged with the customers renamed after T: those are
 * taken out of the page wherever they stand now, and put back, with the name they had at T, in the
 * page whose range (from the previous cursor to this page's cursor) holds their position at T. The
 * store is read for the page first and the renamed customers second, so a customer renamed in
 * between is found by the second read (and written once, by id). Cost: one indexed query per page
 * (on `renamedDateTime`, usually empty); memory: the customers renamed during the export.
 */
import type { ServiceContext } from '../context.js';
import type { Page } from '../customers/ports.js';
import { type CustomerRow, companyNameAt } from '../customers/customer.js';
import { customerFilter } from '../customers/customer-service.js';
import type { RenamedCustomer } from '../customers/ports.js';
import { customerSortKey, matchesSearch } from '../customers/search-keys.js';
import type { Cursor } from '../http/paging.js';
import { subscriptionFilter } from '../subscriptions/subscription-service.js';
import type { Scope } from '../tenants/tenant.js';
import type { CsvCell } from './csv.js';
import type { ExportJob } from './export-job.js';

/** A source of CSV rows in pages of up to `pageSize`, after a cursor. */
export type ExportSource = (after: Cursor | undefined, pageSize: number) => Promise<Page<CsvCell[]>>;

export function exportScope(job: Pick<ExportJob, 'partnerId' | 'scopeResellerId' | 'scopeTenantId' | 'requestedBy'>): Scope {
  return { partnerId: job.partnerId, resellerId: job.scopeResellerId, tenantId: job.scopeTenantId, userName: job.requestedBy, canWrite: false };
}

export function exportSource(ctx: ServiceContext, job: ExportJob): ExportSource {
  const scope = exportScope(job);
  const filter = job.filter;
  switch (job.type) {
    case 'customers': {
      const customers = customerFilter(scope, filter.search, filter.resellerId);
      const asOf = job.createdDateTime;
      return async (after, pageSize) => {
        if (!customers) return { rows: [] };
        const page = await ctx.customers.searchCustomers(customers, pageSize, after);
        const renamed = await ctx.customers.listRenamedSince(customers, asOf);
        const rows = renamed.length === 0 ? page.rows : rowsAsOf(page.rows, renamed, asOf, filter.search, after, page.next);
        return { ...page, rows: rows.map((row) => [row.id, row.companyName, row.domain, row.relationship]) };
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

type KeyedRow = CustomerRow & { sortKey: string };

/** Keyset order: sort key, then id (as the store orders them). */
function compareKeys(a: readonly [string, string], b: Cursor): number {
  const [bSortKey, bId] = [String(b[0] ?? ''), String(b[1] ?? '')];
  if (a[0] !== bSortKey) return a[0] < bSortKey ? -1 : 1;
  return a[1] === bId ? 0 : a[1] < bId ? -1 : 1;
}

/**
 * One page as of `asOf`: the page's rows without the customers renamed since, and those renamed
 * customers as they were at `asOf` whose position then lies after `after` and up to `next` (to
 * the end on the last page) and who matched the search then; in keyset order, each id once.
 */
function rowsAsOf(rows: KeyedRow[], renamed: RenamedCustomer[], asOf: string, search: string | undefined, after?: Cursor, next?: Cursor): KeyedRow[] {
  const renamedIds = new Set(renamed.map((customer) => customer.id));
  const merged = rows.filter((row) => !renamedIds.has(row.id));
  for (const customer of renamed) {
    const companyName = companyNameAt(customer, asOf);
    const sortKey = customerSortKey(companyName);
    const key = [sortKey, customer.id] as const;
    if (after && compareKeys(key, after) <= 0) continue;
    if (next && compareKeys(key, next) > 0) continue;
    if (search?.trim() && !matchesSearch({ id: customer.id, companyName, domain: customer.domain }, search)) continue;
    merged.push({ id: customer.id, companyName, domain: customer.domain, relationship: customer.relationship, resellerId: customer.resellerId, sortKey });
  }
  return merged.sort((a, b) => compareKeys([a.sortKey, a.id], [b.sortKey, b.id]));
}
