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
import type { ServiceContext } from '../context.js';
import type { CustomerRecord } from './customer.js';
import type { CountChange, CustomerCounts, CustomerFilter } from './ports.js';

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

/**
 * Creates or replaces a customer (import: upsert by id) and keeps the counts. The write is
 * conditional on what was read (create if absent, replace if unchanged), so the count change is
 * exactly the one this write made; a concurrent writer makes it read again. At most 5 attempts.
 */
export async function saveCustomer(ctx: ServiceContext, record: CustomerRecord): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const current = await ctx.customers.getCustomer(record.partnerId, record.id);
    const outcome = current ? await ctx.customers.replaceCustomer(record, current.etag ?? '') : await ctx.customers.createCustomer(record);
    if (outcome !== 'Conflict' && outcome !== 'PreconditionFailed') {
      ctx.faults.hit('customers.afterWrite');
      await applyCountChange(ctx, record.partnerId, countChange(current, record));
      return;
    }
    if (attempt === 5) throw new Error(`Customer ${record.id} kept changing while it was imported; try the import again.`);
  }
}

async function applyCountChange(ctx: ServiceContext, partnerId: string, change: CountChange): Promise<void> {
  const at = ctx.now().toISOString();
  if ((await ctx.customerCounts.add(partnerId, change, at)) !== 'Missing') return;
  // A partner's first write since counts were kept: start them at zero (whoever creates them
  // first; concurrent writers all add after that) and add. Customers stored before counts were
  // kept are counted in by the reconciliation, which checks never-checked counts at its next run.
  await ctx.customerCounts.write({ partnerId, total: 0, byReseller: {}, changedDateTime: at }, undefined);
  if ((await ctx.customerCounts.add(partnerId, change, at)) === 'Missing') throw new Error(`The customer counts of partner ${partnerId} could not be created.`);
}

/**
 * The count `count=true` answers for a filter: the maintained counter for the whole list or one
 * reseller; the index's matches up to SEARCH_COUNT_CAP for a search.
 */
export async function customerCount(ctx: ServiceContext, filter: CustomerFilter | undefined): Promise<{ count: number; countIsCapped: boolean }> {
  if (!filter) return { count: 0, countIsCapped: false };
  if (filter.searchPrefix) {
    const matches = await ctx.customers.countMatches(filter, SEARCH_COUNT_CAP);
    return matches > SEARCH_COUNT_CAP ? { count: SEARCH_COUNT_CAP, countIsCapped: true } : { count: matches, countIsCapped: false };
  }
  let counts = await ctx.customerCounts.read(filter.partnerId);
  // Data loaded before counts were kept: counted once, then maintained.
  if (!counts) counts = await recountCustomers(ctx, filter.partnerId);
  const count = filter.resellerId === undefined ? counts.total : (counts.byReseller[filter.resellerId] ?? 0);
  return { count, countIsCapped: false };
}

/** A partner's counts as the data has them: total and per reseller (its resellers and any the counts name). */
async function countFromData(ctx: ServiceContext, partnerId: string, known: CustomerCounts | undefined): Promise<CountChange> {
  const resellerIds = new Set([...(await ctx.tenants.listResellers(partnerId)).map((reseller) => reseller.id), ...Object.keys(known?.byReseller ?? {})]);
  const byReseller: Record<string, number> = {};
  for (const resellerId of resellerIds) {
    const count = await ctx.customers.countCustomers(partnerId, resellerId);
    if (count > 0) byReseller[resellerId] = count;
  }
  return { total: await ctx.customers.countCustomers(partnerId), byReseller };
}

/** Counts a partner's customers from the data and writes them as its first counts; returns them. */
async function recountCustomers(ctx: ServiceContext, partnerId: string): Promise<CustomerCounts> {
  const now = ctx.now().toISOString();
  const counted = { partnerId, ...(await countFromData(ctx, partnerId, undefined)), changedDateTime: now, checkedDateTime: now };
  await ctx.customerCounts.write(counted, undefined);
  return { ...counted, etag: '' };
}

const sameCounts = (a: CountChange, b: CountChange) => {
  const resellers = new Set([...Object.keys(a.byReseller), ...Object.keys(b.byReseller)]);
  return a.total === b.total && [...resellers].every((id) => (a.byReseller[id] ?? 0) === (b.byReseller[id] ?? 0));
};

/**
 * The timer's check: recounts partners whose counts were not checked for `checkSeconds` and have
 * been quiet for `quietSeconds`, and repairs those that drifted (a replace conditional on the
 * counts read before counting, so a change made meanwhile is never overwritten: the next run
 * checks again). Returns how many partners' counts it wrote.
 */
export async function reconcileCustomerCounts(
  ctx: ServiceContext,
  options: { checkSeconds?: number; quietSeconds?: number; limit?: number } = {},
): Promise<number> {
  const { checkSeconds = COUNTS_CHECK_SECONDS, quietSeconds = COUNTS_QUIET_SECONDS, limit = COUNTS_CHECKED_PER_RUN } = options;
  const now = ctx.now().getTime();
  const before = (seconds: number) => new Date(now - seconds * 1000).toISOString();
  let checked = 0;
  let repaired = 0;
  for (const partnerId of await ctx.tenants.listPartnerIds()) {
    if (checked >= limit) break;
    const counts = await ctx.customerCounts.read(partnerId);
    if (counts && ((counts.checkedDateTime ?? '') > before(checkSeconds) || counts.changedDateTime > before(quietSeconds))) continue;
    checked += 1;
    if (!counts) {
      await recountCustomers(ctx, partnerId);
      repaired += 1;
      continue;
    }
    const actual = await countFromData(ctx, partnerId, counts);
    const at = ctx.now().toISOString();
    if (sameCounts(actual, counts)) {
      await ctx.customerCounts.markChecked(partnerId, at);
      continue;
    }
    const outcome = await ctx.customerCounts.write({ partnerId, ...actual, changedDateTime: counts.changedDateTime, checkedDateTime: at }, counts.etag);
    if (outcome !== 'Conflict') repaired += 1;
  }
  return repaired;
}
