/**
 * Where an export's rows come from: the very queries the API pages through, in the same order,
 * turned into cells, read as one stream per slice (one store query, however many pages). Each
 * page ends at a keyset cursor, which is what an export checkpoints and resumes from.
 * A CSV cell is text or a number; a workbook cell may also be a date (the local wall-clock time).
 *
 * A customers export is the list as it was when the export was asked for (its createdDateTime, T),
 * however long it runs. Paging by name alone would not be: a customer renamed while the export runs
 * moves in the order, and is written twice (moved ahead of the cursor) or never (moved behind it).
 * So each page, read in the current order, is merged with the customers renamed after T: those are
 * taken out of the page wherever they stand now, and put back, with the name they had at T, in the
 * page whose range (from the previous cursor to this page's cursor; after the last page, to the
 * end) holds their position at T. The pages are read first and the renamed customers second, so
 * a customer renamed in between is found by the second read (and written once, by id). The renamed
 * customers come from the partner's change feed, one reader per slice: each read returns only what
 * changed since the last (one call, usually "nothing": 304). Cost: one call per
 * PAGES_PER_RENAME_CHECK pages (and one per slice as the reader starts: it reads the container);
 * memory: those pages, and the customers renamed during the export.
 */
import type { ActivityRepository } from '../activity/ports.js';
import { type CustomerRow, companyNameAt } from '../customers/customer.js';
import { customerFilter, matchesFilterSearch } from '../customers/customer-service.js';
import type { CustomerFilter, CustomerRepository, RenamedCustomer } from '../customers/ports.js';
import { customerSortKey } from '../customers/search-keys.js';
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
      // The list as of the export's start (see the top of this file).
      const rows = (after: Cursor | undefined, pageSize: number) =>
        asOfStart(
          ports.customers.streamCustomers(customers, pageSize, after),
          ports.customers.watchRenamedSince(customers, job.createdDateTime),
          job.createdDateTime,
          customers,
          after,
        );
      if (!filter.includeReseller) {
        return (after, pageSize) => mapRows(rows(after, pageSize), (row) => [row.id, row.companyName, row.domain, row.relationship]);
      }
      // A partner has hundreds of resellers at most: their names are read once per slice.
      return async function* (after, pageSize) {
        const resellers = await ports.tenants.listResellers(job.partnerId);
        const names = new Map(resellers.map((reseller) => [reseller.id, reseller.name]));
        yield* mapRows(rows(after, pageSize), (row) => [
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

type KeyedRow = CustomerRow & { sortKey: string };

/** Keyset order: sort key, then id (as the store orders them). */
function compareKeys(a: Cursor, b: Cursor): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] === b[1] ? 0 : a[1] < b[1] ? -1 : 1;
}

/**
 * Pages read between two reads of the renamed customers. The merge is right as long as the renamed
 * customers are read after the pages they are merged into, so pages are held and merged together:
 * one change feed read per this many pages instead of per page, for this many pages of rows in
 * memory (10,000 rows at the default page size). At a million rows that is 101 reads. Holding 50
 * pages would make it 21 and meet the 1.05 calls per 1,000 rows target, but measured at a million
 * rows it took the export's peak RSS from 188 MB to 427 MB and its speed from 606,000 to 145,000
 * rows/s (V8 promotes the held rows and grows its old generation): the README says why 10 stays.
 */
export const PAGES_PER_RENAME_CHECK = 10;

/** The pages as of `asOf` (see the top of this file), and after the last one the rows that lie beyond it then. */
async function* asOfStart(
  pages: PageStream<KeyedRow>,
  renamedSinceStart: () => Promise<RenamedCustomer[]>,
  asOf: string,
  filter: CustomerFilter,
  after: Cursor | undefined,
): PageStream<KeyedRow> {
  const iterator = pages[Symbol.asyncIterator]();
  let previous = after;
  try {
    for (;;) {
      const held: Array<{ rows: KeyedRow[]; cursor: Cursor }> = [];
      let ended = false;
      while (held.length < PAGES_PER_RENAME_CHECK) {
        const next = await iterator.next();
        if (next.done) {
          ended = true;
          break;
        }
        held.push(next.value);
      }
      // Read after these pages, and also after the end was found (finding it read the store too).
      const renamed = await renamedSinceStart();
      for (const page of held) {
        yield { rows: renamed.length === 0 ? page.rows : rowsAsOf(page.rows, renamed, asOf, filter, previous, page.cursor), cursor: page.cursor };
        previous = page.cursor;
      }
      if (ended) {
        const beyond = renamed.length === 0 ? [] : rowsAsOf([], renamed, asOf, filter, previous, undefined);
        const last = beyond.at(-1);
        if (last) yield { rows: beyond, cursor: [last.sortKey, last.id] };
        return;
      }
    }
  } finally {
    // Left early (a hand-off, a lost race): close the store query too.
    await iterator.return?.();
  }
}

/**
 * One page as of `asOf`: the page's rows without the customers renamed since, and those renamed
 * customers as they were at `asOf` whose position then lies after `after` and up to `next` (to the
 * end when absent) and who matched the search then; in keyset order, each id once.
 */
function rowsAsOf(rows: KeyedRow[], renamed: RenamedCustomer[], asOf: string, filter: CustomerFilter, after?: Cursor, next?: Cursor): KeyedRow[] {
  const renamedIds = new Set(renamed.map((customer) => customer.id));
  const merged = rows.filter((row) => !renamedIds.has(row.id));
  for (const customer of renamed) {
    const companyName = companyNameAt(customer, asOf);
    const sortKey = customerSortKey(companyName);
    const key: Cursor = [sortKey, customer.id];
    if (after && compareKeys(key, after) <= 0) continue;
    if (next && compareKeys(key, next) > 0) continue;
    if (!matchesFilterSearch(filter, { id: customer.id, companyName, domain: customer.domain })) continue;
    merged.push({ id: customer.id, companyName, domain: customer.domain, relationship: customer.relationship, resellerId: customer.resellerId, sortKey });
  }
  return merged.sort((a, b) => compareKeys([a.sortKey, a.id], [b.sortKey, b.id]));
}
