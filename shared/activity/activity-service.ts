/** Activity log use cases: the date range rules and the scope of a query. */
import { invalid } from '../kernel/errors.js';
import { guidId } from '../kernel/ids.js';
import type { Cursor, Page } from '../kernel/page.js';
import { type Clock, DAY_MILLISECONDS } from '../kernel/time.js';
import type { Scope } from '../tenants/scope.js';
import { type ActivityRecord, DEFAULT_ACTIVITY_RANGE_DAYS, MAX_ACTIVITY_RANGE_DAYS } from './activity.js';
import type { ActivityFilter, ActivityRepository } from './ports.js';

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

function activityFilter(scope: Scope, range: { from: string; to: string }, customerId: string | undefined, operation: string | undefined): ActivityFilter {
  return {
    partnerId: scope.partnerId,
    ...(scope.resellerId ? { resellerId: scope.resellerId } : {}),
    ...range,
    ...(customerId ? { customerId: guidId(customerId, 'customerId', 'customerId') } : {}),
    ...(operation ? { operation } : {}),
  };
}

export interface ActivityQuery {
  from?: string;
  to?: string;
  customerId?: string;
  operation?: string;
}

export class ActivityService {
  constructor(private readonly ports: { activity: ActivityRepository; clock: Clock }) {}

  /** The store filter of a query in a scope: the last 30 days by default, 90 at most. */
  filter(scope: Scope, query: ActivityQuery): ActivityFilter {
    const range = activityRange(this.ports.clock(), query.from, query.to, MAX_ACTIVITY_RANGE_DAYS);
    return activityFilter(scope, range, query.customerId, query.operation);
  }

  /** Newest first: up to `top` records after `after`. */
  list(filter: ActivityFilter, top: number, after: Cursor | undefined): Promise<Page<ActivityRecord>> {
    return this.ports.activity.listActivity(filter, top, after);
  }
}
