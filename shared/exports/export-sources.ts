/**
 * Where an export's rows come from: the very queries the API pages through, in the same order,
 * turned into cells, read as one stream per slice (one store query, however many pages). Each
 * page ends at a keyset cursor, which is what an export checkpoints and resumes from.
 * A CSV cell is text or a number; a workbook cell may also be a date (the local wall-clock time).
 *
 * A customers export is the list as it was when the export was asked for (its createdDateTime, T),
 * however long it runs. Paging by name alone would not be: a customer renamed while the export runs
 * moves in the order, and is written twice (moved ahead of the cursor) or never (moved behind it).
 * So each page, read in the current order, is merged with the customers known to be renamed after
 * T: those are taken out of the page wherever they stand now, and put back, with the name they had
 * at T, in the page whose range (from the previous cursor to this page's cursor; after the last
 * page, to the end) holds their position at T. The renamed customers come from the partner's change
 * feed, one reader per stream: each read returns only what changed since the last (one call,
 * usually "nothing": 304). It is read once as the stream starts, before its first page; pages are
 * then merged and passed on at once, none held.
 *
 * A page is right when no customer in scope was first renamed between the last read of the feed
 * and the page's own read: one renamed before that read is in the set and is placed by id and by
 * its name at T whatever it is called now; one renamed after the page's read still had its name at
 * T in that page. So the stream's reader asks `renamedSinceLastRead` (one more read) before it
 * keeps what it was given: when nothing new was renamed in scope, every page since the previous
 * ask was read after that read found nothing, and before this one found nothing: all are right.
 * When something was, those pages may be wrong (later ones are merged with the new set); the
 * reader drops them and reads again from where they began, with a new stream (see writeExport).
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

/**
 * The rows after a cursor, in pages, read by one store query. A customers export's stream also
 * answers `renamedSinceLastRead`: it reads the change feed once, and is true when a customer in
 * scope was renamed (for the first time this stream knows of) since its last read, so the pages
 * passed on since then may be wrong and must be read again (see the top of this file). Streams
 * whose rows never move (subscriptions, activity) do not have it.
 */
export type ExportRows<Cell> = PageStream<Cell> & { renamedSinceLastRead?: () => Promise<boolean> };

/** Every row after a cursor, in pages of up to `pageSize`. */
export type ExportSource<Cell = ExportCell> = (after: Cursor | undefined, pageSize: number) => ExportRows<Cell[]>;

/** A reseller asking for another reseller's customers: nothing can match. */
async function* noRows(): PageStream<ExportCell[]> {
  yield* [];
}

/** The same stream with each row mapped (and the same `renamedSinceLastRead`). */
function mapRows<T, Cell>(pages: ExportRows<T>, toCells: (row: T) => Cell[], before?: () => Promise<void>): ExportRows<Cell[]> {
  const mapped = (async function* () {
    await before?.();
    for await (const page of pages) yield { rows: page.rows.map(toCells), cursor: page.cursor };
  })();
  return pages.renamedSinceLastRead ? Object.assign(mapped, { renamedSinceLastRead: pages.renamedSinceLastRead }) : mapped;
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
      // A partner has hundreds of resellers at most: their names are read once per stream.
      return (after, pageSize) => {
        const names = new Map<string, string>();
        const readNames = async () => {
          for (const reseller of await ports.tenants.listResellers(job.partnerId)) names.set(reseller.id, reseller.name);
        };
        return mapRows(
          rows(after, pageSize),
          (row) => [row.id, row.companyName, row.domain, row.relationship, row.resellerId ?? '', row.resellerId ? (names.get(row.resellerId) ?? '') : ''],
          readNames,
        );
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
 * The pages as of `asOf` (see the top of this file), and after the last one the rows that lie
 * beyond it then. The change feed is read as the stream starts, then only when asked.
 */
function asOfStart(
  pages: PageStream<KeyedRow>,
  renamedSinceStart: () => Promise<RenamedCustomer[]>,
  asOf: string,
  filter: CustomerFilter,
  after: Cursor | undefined,
): ExportRows<KeyedRow> {
  /** The customers renamed since `asOf`, as of the last read of the feed. */
  let renamed: RenamedCustomer[] = [];
  let known = new Set<string>();
  const renamedSinceLastRead = async () => {
    renamed = await renamedSinceStart();
    // A customer already known stays right however often it is renamed again: it is placed by id
    // and by its name at `asOf`. Only one renamed for the first time can have moved in the pages.
    const moved = renamed.some((customer) => !known.has(customer.id));
    known = new Set(renamed.map((customer) => customer.id));
    return moved;
  };
  const merged = (async function* () {
    await renamedSinceLastRead();
    let previous = after;
    // One page at a time: the next is read from the store only when the reader asks for it, after
    // any `renamedSinceLastRead` it made in between.
    for await (const page of pages) {
      yield { rows: renamed.length === 0 ? page.rows : rowsAsOf(page.rows, renamed, asOf, filter, previous, page.cursor), cursor: page.cursor };
      previous = page.cursor;
    }
    // The rows whose position at `asOf` lies beyond the last page. Each was renamed before the
    // store's last read found nothing more (else it would have been in that read, where it stood
    // at `asOf`); the reader's next `renamedSinceLastRead` confirms the set held all of them.
    const beyond = renamed.length === 0 ? [] : rowsAsOf([], renamed, asOf, filter, previous, undefined);
    const last = beyond.at(-1);
    if (last) yield { rows: beyond, cursor: [last.sortKey, last.id] as Cursor };
  })();
  return Object.assign(merged, { renamedSinceLastRead });
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
