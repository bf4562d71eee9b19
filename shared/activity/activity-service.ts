/** Activity log use cases: the date range rules and the scope of a query. */
import { invalid } from '../kernel/errors.js';
import { canonicalId } from '../kernel/ids.js';
import { DAY_MILLISECONDS } from '../kernel/time.js';
import type { Scope } from '../tenants/scope.js';
import { DEFAULT_ACTIVITY_RANGE_DAYS } from './activity.js';
import type { ActivityFilter } from './ports.js';

/**
 * The effective range: defaults to the `defaultDays` before `to` (now when absent); `from` after
 * `to` or a range longer than `maxDays` is Invalid.
 */
export function activityRange(now: Date, from: string | undefined, to: string | undefined, maxDays: number): { from: string; to: string } {
  const toDate = to ? new Date(to) : now;
  const fromDate = from ? new Date(from) : new Date(toDate.getTime() - DEFAULT_ACTIVITY_RANGE_DAYS * DAY_MILLISECONDS);
  if (fromDate.getTime() > toDate.getTime()) throw invalid('InvalidDateRange', '"from" must not be after "to".', 'from');
  if (toDate.getTime() - fromDate.getTime() > maxDays * DAY_MILLISECONDS) {
    throw invalid('InvalidDateRange', `The range from "from" to "to" must be at most ${maxDays} days.`, 'to');
  }
  return { from: fromDate.toISOString(), to: toDate.toISOString() };
}

export function activityFilter(
  scope: Scope,
  range: { from: string; to: string },
  customerId: string | undefined,
  operation: string | undefined,
): ActivityFilter {
  return {
    partnerId: scope.partnerId,
    ...(scope.resellerId ? { resellerId: scope.resellerId } : {}),
    ...range,
    ...(customerId ? { customerId: canonicalId(customerId) } : {}),
    ...(operation ? { operation } : {}),
  };
}
