/**
 * Customer counts that cost nothing at scale. The whole list's count and each indirect reseller's
 * are maintained counters, changed after every write that adds a customer or moves it between
 * resellers, so `count=true` is one point read, never a count over a million documents. A search's
 * count is the number of matches read from the index up to SEARCH_COUNT_CAP.
 *
 * The customer write and the counter change are two writes: a crash between them leaves the counts
 * off. The reconciliation timer recounts each partner from the index (at most once per
 * COUNTS_CHECK_SECONDS, and only once its counts have been quiet for COUNTS_QUIET_SECONDS, so a
 * change still in flight is not taken for drift) and repairs what differs, conditionally on the
 * counts not having changed meanwhile.
 */
import type { FaultInjector } from '../kernel/faults.js';
import type { Clock } from '../kernel/time.js';
import type { TenantRepository } from '../tenants/ports.js';
import type { CustomerRecord } from './customer.js';
import type { CountChange, CustomerCountRepository, CustomerCounts, CustomerFilter, CustomerRepository } from './ports.js';

/** Search counts stop here: the page shows "1,000+ matches". */
export const SEARCH_COUNT_CAP = 1000;
/** A partner's counts are recounted at most this often (seconds). */
export const COUNTS_CHECK_SECONDS = 3600;
/** Counts changed this recently (seconds) may have a change in flight: they are checked later. */
export const COUNTS_QUIET_SECONDS = 120;
/** Partners checked per timer run (the timer comes back for the rest). */
export const COUNTS_CHECKED_PER_RUN = 50;

/** What a write changes in the counts: a new customer, or one moved between resellers. */
export function countChange(before: Pick<CustomerRecord, 'resellerId'> | undefined, after: Pick<CustomerRecord, 'resellerId'>): CountChange {
  const change: CountChange = { total: before ? 0 : 1, byReseller: {} };
  const from = before?.resellerId ?? null;
  const to = after.resellerId ?? null;
  if (before && from === to) return change;
  if (before && from !== null) change.byReseller[from] = -1;
  if (to !== null) change.byReseller[to] = 1;
  return change;
}

/** What a customer write needs: the customers and their counts (and, in tests, a fault injector). */
export interface CustomerWritePorts {
  customers: CustomerRepository;
  customerCounts: CustomerCountRepository;
  clock?: Clock;
  faults?: FaultInjector;
}

/**
 * Creates or replaces a customer (import: upsert by id) and returns what that changed in the
 * counts; the caller applies it (`CountChanges`). The write is conditional on what it found
 * (create when absent: one call for a new customer; otherwise read and replace if unchanged), so
 * the change is exactly the one this write made; a concurrent writer makes it try again, at most
 * 5 times.
 */
export async function writeCustomer(ports: CustomerWritePorts, record: CustomerRecord): Promise<CountChange> {
  for (let attempt = 1; ; attempt += 1) {
    if ((await ports.customers.createCustomer(record)) !== 'Conflict') return countChange(undefined, record);
    const current = await ports.customers.getCustomer(record.partnerId, record.id);
    if (current && (await ports.customers.replaceCustomer(record, current.etag ?? '')) !== 'PreconditionFailed') return countChange(current, record);
    if (attempt === 5) throw new Error(`Customer ${record.id} kept changing while it was imported; try the import again.`);
  }
}

/**
 * Count changes of several customer writes, per partner, applied together once the writes are
 * done (one patch per partner for a batch of writes, not one per customer). A crash before
 * `apply` leaves the counts off by the batch: the reconciliation repairs them.
 */
export class CountChanges {
  private readonly byPartner = new Map<string, CountChange>();

  add(partnerId: string, change: CountChange): void {
    const sum = this.byPartner.get(partnerId) ?? { total: 0, byReseller: {} };
    sum.total += change.total;
    for (const [resellerId, delta] of Object.entries(change.byReseller)) sum.byReseller[resellerId] = (sum.byReseller[resellerId] ?? 0) + delta;
    this.byPartner.set(partnerId, sum);
  }

  async apply(ports: CustomerWritePorts): Promise<void> {
    if (this.byPartner.size === 0) return;
    ports.faults?.hit('customers.afterWrite');
    const changes = [...this.byPartner];
    this.byPartner.clear();
    for (const [partnerId, change] of changes) await applyCountChange(ports, partnerId, change);
  }
}

async function applyCountChange(ports: CustomerWritePorts, partnerId: string, change: CountChange): Promise<void> {
  const at = (ports.clock ?? (() => new Date()))().toISOString();
  if ((await ports.customerCounts.add(partnerId, change, at)) !== 'Missing') return;
  // A partner's first write since counts were kept: start them at zero (whoever creates them
  // first; concurrent writers all add after that) and add. Customers stored before counts were
  // kept are counted in by the reconciliation, which checks never-checked counts at its next run.
  await ports.customerCounts.write({ partnerId, total: 0, byReseller: {}, changedDateTime: at }, undefined);
  if ((await ports.customerCounts.add(partnerId, change, at)) === 'Missing')
    throw new Error(`The customer counts of partner ${partnerId} could not be created.`);
}

/** What the counts use case needs: the customers, their counts, the partners and a clock. */
export interface CustomerCountPorts {
  customers: CustomerRepository;
  customerCounts: CustomerCountRepository;
  tenants: TenantRepository;
  clock: Clock;
}

/** `count=true` and the reconciliation timer's check of the maintained counts. */
export class CustomerCountService {
  constructor(private readonly ports: CustomerCountPorts) {}

  /**
   * The count `count=true` answers for a filter: the maintained counter for the whole list or one
   * reseller; the index's matches up to SEARCH_COUNT_CAP for a search.
   */
  async count(filter: CustomerFilter | undefined): Promise<{ count: number; countIsCapped: boolean }> {
    if (!filter) return { count: 0, countIsCapped: false };
    if (filter.searchPrefix) {
      const matches = await this.ports.customers.countMatches(filter, SEARCH_COUNT_CAP);
      return matches > SEARCH_COUNT_CAP ? { count: SEARCH_COUNT_CAP, countIsCapped: true } : { count: matches, countIsCapped: false };
    }
    let counts = await this.ports.customerCounts.read(filter.partnerId);
    // Data loaded before counts were kept: counted once, then maintained.
    if (!counts) counts = await this.recount(filter.partnerId);
    const count = filter.resellerId === undefined ? counts.total : (counts.byReseller[filter.resellerId] ?? 0);
    return { count, countIsCapped: false };
  }

  /** A partner's counts as the data has them: total and per reseller (its resellers and any the counts name). */
  private async countFromData(partnerId: string, known: CustomerCounts | undefined): Promise<CountChange> {
    const resellerIds = new Set([
      ...(await this.ports.tenants.listResellers(partnerId)).map((reseller) => reseller.id),
      ...Object.keys(known?.byReseller ?? {}),
    ]);
    const byReseller: Record<string, number> = {};
    for (const resellerId of resellerIds) {
      const count = await this.ports.customers.countCustomers({ partnerId, resellerId });
      if (count > 0) byReseller[resellerId] = count;
    }
    return { total: await this.ports.customers.countCustomers({ partnerId }), byReseller };
  }

  /** Counts a partner's customers from the data and writes them as its first counts; returns them. */
  private async recount(partnerId: string): Promise<CustomerCounts> {
    const now = this.ports.clock().toISOString();
    const counted = { partnerId, ...(await this.countFromData(partnerId, undefined)), changedDateTime: now, checkedDateTime: now };
    await this.ports.customerCounts.write(counted, undefined);
    return { ...counted, etag: '' };
  }

  /**
   * The timer's check: recounts partners whose counts were not checked for `checkSeconds` and have
   * been quiet for `quietSeconds`, and repairs those that drifted (a replace conditional on the
   * counts read before counting, so a change made meanwhile is never overwritten: the next run
   * checks again). Returns how many partners' counts it wrote.
   */
  async reconcile(options: { checkSeconds?: number; quietSeconds?: number; limit?: number } = {}): Promise<number> {
    const { checkSeconds = COUNTS_CHECK_SECONDS, quietSeconds = COUNTS_QUIET_SECONDS, limit = COUNTS_CHECKED_PER_RUN } = options;
    const now = this.ports.clock().getTime();
    const before = (seconds: number) => new Date(now - seconds * 1000).toISOString();
    let checked = 0;
    let repaired = 0;
    for (const partnerId of await this.ports.tenants.listPartnerIds()) {
      if (checked >= limit) break;
      const counts = await this.ports.customerCounts.read(partnerId);
      if (counts && ((counts.checkedDateTime ?? '') > before(checkSeconds) || counts.changedDateTime > before(quietSeconds))) continue;
      checked += 1;
      if (!counts) {
        await this.recount(partnerId);
        repaired += 1;
        continue;
      }
      const actual = await this.countFromData(partnerId, counts);
      const at = this.ports.clock().toISOString();
      if (sameCounts(actual, counts)) {
        await this.ports.customerCounts.markChecked(partnerId, at);
        continue;
      }
      const outcome = await this.ports.customerCounts.write(
        { partnerId, ...actual, changedDateTime: counts.changedDateTime, checkedDateTime: at },
        counts.etag,
      );
      if (outcome !== 'Conflict') repaired += 1;
    }
    return repaired;
  }
}

const sameCounts = (a: CountChange, b: CountChange) => {
  const resellers = new Set([...Object.keys(a.byReseller), ...Object.keys(b.byReseller)]);
  return a.total === b.total && [...resellers].every((id) => (a.byReseller[id] ?? 0) === (b.byReseller[id] ?? 0));
};
